package dev.muserving.dataplane.activator;

import io.vertx.core.MultiMap;

/**
 * What a reverse proxy tells the function about the client: {@code X-Forwarded-For} (the client's
 * address appended, as nginx's {@code $proxy_add_x_forwarded_for}), {@code X-Forwarded-Proto}, and
 * RFC 7239's {@code Forwarded} with one element appended. Earlier values are kept, never trusted
 * or removed: a client may write anything there, so a function reads the rightmost entries, the
 * ones its own proxies added.
 */
final class ForwardedHeaders {

    static final String FORWARDED = "Forwarded";
    static final String X_FORWARDED_FOR = "X-Forwarded-For";
    static final String X_FORWARDED_PROTO = "X-Forwarded-Proto";

    private ForwardedHeaders() {}

    /**
     * @param clientAddress the peer's IP address, or null when unknown (a Unix socket)
     * @param scheme {@code http} or {@code https}
     * @param host the Host the client used, or null
     */
    static void add(MultiMap headers, String clientAddress, String scheme, String host) {
        String client = clientAddress == null ? "unknown" : clientAddress;
        append(headers, X_FORWARDED_FOR, client, ", ");
        headers.set(X_FORWARDED_PROTO, scheme);
        StringBuilder element = new StringBuilder(48 + (host == null ? 0 : host.length()))
                .append("for=").append(node(clientAddress)).append(";proto=").append(scheme);
        if (host != null && !host.isEmpty()) {
            element.append(";host=").append(quotedIfNeeded(host));
        }
        append(headers, FORWARDED, element.toString(), ", ");
    }

    /** One header line: the earlier lines joined (a list header may come as several lines), then ours. */
    private static void append(MultiMap headers, String name, String value, String separator) {
        if (!headers.contains(name)) { // most requests: nothing to join, and no list of the earlier lines to build
            headers.set(name, value);
            return;
        }
        String earlier = String.join(separator, headers.getAll(name));
        headers.set(name, earlier.isBlank() ? value : earlier + separator + value);
    }

    /** RFC 7239 §6: an IPv6 address is bracketed and quoted; an unknown one is "unknown". */
    private static String node(String address) {
        if (address == null) {
            return "unknown";
        }
        return address.indexOf(':') >= 0 ? "\"[" + address + "]\"" : address;
    }

    /** A value that is not a token (a host with a port has a colon) goes in quotes. */
    private static String quotedIfNeeded(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == '_')) {
                return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
            }
        }
        return value;
    }
}
