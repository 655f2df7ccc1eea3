package dev.muserving.dataplane.activator;

import dev.muserving.api.FunctionKey;
import java.util.Locale;
import java.util.Optional;

/**
 * Which function a request is for, and the URI to send it: {@code Host: <fn>.<ns>.<domain>} keeps
 * the URI; {@code /fn/<ns>/<fn>/rest} is sent as {@code /rest}. The path form wins when both are
 * given, so a request through a plain ingress that rewrites the host still finds its function.
 */
public record RequestAddress(FunctionKey function, String uri) {

    static final String PATH_PREFIX = "/fn/";

    /** @return the address, or null when the request names no function */
    public static RequestAddress of(String hostHeader, String uri, String domain) {
        if (uri != null && uri.startsWith(PATH_PREFIX)) {
            return fromPath(uri);
        }
        return fromHost(hostHeader, uri == null || uri.isEmpty() ? "/" : uri, domain);
    }

    /**
     * Why a {@code /fn/} path names no function, for the 404: the segment that is no DNS label
     * ({@code /fn/demo/HDR} got the same words as a request with no function at all). Empty for
     * anything else.
     */
    public static Optional<String> whyNoFunction(String uri) {
        if (uri == null || !uri.startsWith(PATH_PREFIX)) {
            return Optional.empty();
        }
        Segments segments = Segments.of(uri);
        if (segments == null) {
            return Optional.of("the path has no function after its namespace");
        }
        String bad = !isLabel(segments.namespace()) ? "namespace '" + segments.namespace() + "'"
                : !isLabel(segments.name()) ? "function name '" + segments.name() + "'" : null;
        return Optional.ofNullable(bad).map(b -> "the " + b + " is no DNS label (at most 63 lower-case letters, digits and '-')");
    }

    private static RequestAddress fromPath(String uri) {
        Segments segments = Segments.of(uri);
        if (segments == null || !isLabel(segments.namespace()) || !isLabel(segments.name())) {
            return null;
        }
        String rest = uri.substring(segments.nameEnd());
        if (rest.isEmpty() || rest.charAt(0) == '?') {
            rest = "/" + rest;
        }
        return new RequestAddress(new FunctionKey(segments.namespace(), segments.name()), rest);
    }

    /** A {@code /fn/} path's namespace and name, decoded, and where the name ends in it. */
    private record Segments(String namespace, String name, int nameEnd) {

        /** Null when there is no name segment. */
        static Segments of(String uri) {
            int nsEnd = uri.indexOf('/', PATH_PREFIX.length());
            if (nsEnd < 0) {
                return null;
            }
            int nameEnd = nsEnd + 1;
            while (nameEnd < uri.length() && uri.charAt(nameEnd) != '/' && uri.charAt(nameEnd) != '?') {
                nameEnd++;
            }
            return new Segments(decodeUnreserved(uri.substring(PATH_PREFIX.length(), nsEnd)),
                    decodeUnreserved(uri.substring(nsEnd + 1, nameEnd)), nameEnd);
        }
    }

    private static RequestAddress fromHost(String hostHeader, String uri, String domain) {
        if (hostHeader == null) {
            return null;
        }
        String host = hostHeader.toLowerCase(Locale.ROOT);
        int colon = host.lastIndexOf(':');
        if (colon >= 0 && host.indexOf(']') < colon) {
            host = host.substring(0, colon);
        }
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1); // the fully qualified spelling of the same name
        }
        String suffix = "." + domain.toLowerCase(Locale.ROOT);
        if (!host.endsWith(suffix)) {
            return null;
        }
        String labels = host.substring(0, host.length() - suffix.length());
        int dot = labels.indexOf('.');
        if (dot < 0 || labels.indexOf('.', dot + 1) >= 0) {
            return null;
        }
        String name = labels.substring(0, dot);
        String namespace = labels.substring(dot + 1);
        return isLabel(name) && isLabel(namespace) ? new RequestAddress(new FunctionKey(namespace, name), uri) : null;
    }

    /**
     * The segment with its percent-encoded unreserved characters decoded, as RFC 3986 §6.2.2.2 says
     * a URI means the same with or without them: {@code /fn/demo/%65cho} is {@code /fn/demo/echo}
     * (it was a 404 naming no function). Any other encoding (such as {@code %2F}) is left as it is,
     * so the segment is no label and names no function.
     */
    static String decodeUnreserved(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        StringBuilder out = new StringBuilder(segment.length());
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            int value = c == '%' && i + 2 < segment.length() ? hexByte(segment.charAt(i + 1), segment.charAt(i + 2)) : -1;
            boolean unreserved = value >= 0 && (Character.isLetterOrDigit(value) && value < 0x80 || "-._~".indexOf(value) >= 0);
            if (unreserved) {
                out.append((char) value);
                i += 2;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static int hexByte(char high, char low) {
        int h = Character.digit(high, 16);
        int l = Character.digit(low, 16);
        return h < 0 || l < 0 ? -1 : h * 16 + l;
    }

    /** A DNS-1123 label, as Kubernetes names and namespaces are. */
    static boolean isLabel(String s) {
        if (s.isEmpty() || s.length() > 63) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c == '-' && i > 0 && i < s.length() - 1);
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
