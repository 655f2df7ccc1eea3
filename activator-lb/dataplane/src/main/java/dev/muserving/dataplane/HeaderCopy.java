package dev.muserving.dataplane;

import dev.muserving.api.MuHeaders;
import io.vertx.core.MultiMap;
import java.util.Map;

/**
 * Copies headers across a proxy (the activator-lb, the queue-proxy) in one pass: hop-by-hop headers (RFC 9110 §7.6.1, and those a
 * {@code Connection} header names) stay on their own connection, and no Mu header crosses in
 * either direction, nor under the underscore spelling frameworks read as the same name: clients
 * may never set nor see the pods' reports.
 */
public final class HeaderCopy {

    private HeaderCopy() {}

    /**
     * A request's headers, without Host (the pod gets the caller's authority separately) and without
     * Expect: the proxy answers {@code 100-continue} itself, as nginx does.
     */
    public static void request(MultiMap from, MultiMap to) {
        copy(from, to, true);
    }

    public static void response(MultiMap from, MultiMap to) {
        copy(from, to, false);
    }

    private static void copy(MultiMap from, MultiMap to, boolean isRequest) {
        String connection = from.get("connection");
        boolean namesOthers = connection != null && namesHeaders(connection);
        for (Map.Entry<String, String> header : from) { // entries, not names(): no set built per request
            String name = header.getKey();
            if (hopByHop(name) || MuHeaders.isInternal(name) || underscoreAlias(name)
                    || (isRequest && (name.equalsIgnoreCase("host") || name.equalsIgnoreCase("expect")))
                    || (namesOthers && listed(connection, name))) {
                continue;
            }
            to.add(name, header.getValue());
        }
    }

    /**
     * {@code Mu_Pod} is not {@code Mu-Pod}, but CGI, WSGI and their kin map both to
     * {@code HTTP_MU_POD}: a function behind one would take a client's for the pod's own.
     */
    private static boolean underscoreAlias(String name) {
        return name.regionMatches(true, 0, "Mu_", 0, 3);
    }

    static boolean hopByHop(String name) {
        return switch (name.length()) {
            case 2 -> name.equalsIgnoreCase("te");
            case 7 -> name.equalsIgnoreCase("trailer") || name.equalsIgnoreCase("upgrade");
            case 10 -> name.equalsIgnoreCase("connection") || name.equalsIgnoreCase("keep-alive");
            case 17 -> name.equalsIgnoreCase("transfer-encoding");
            case 18 -> name.equalsIgnoreCase("proxy-authenticate");
            case 19 -> name.equalsIgnoreCase("proxy-authorization");
            default -> false;
        };
    }

    /** Whether a Connection header names anything besides the usual close and keep-alive. */
    private static boolean namesHeaders(String connection) {
        for (String token : connection.split(",")) {
            String t = token.trim();
            if (!t.isEmpty() && !t.equalsIgnoreCase("close") && !t.equalsIgnoreCase("keep-alive")) {
                return true;
            }
        }
        return false;
    }

    private static boolean listed(String connection, String name) {
        for (String token : connection.split(",")) {
            if (token.trim().equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }
}
