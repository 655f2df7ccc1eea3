package dev.muserving.api;

import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;

/**
 * Reads the Mu headers of a response. A value that is missing, malformed or out of range comes back
 * absent: a pod with a bad header keeps its last good state, and nothing here ever throws on input.
 */
public final class MuHeaderParser {

    /** Longer queues than this are not believable from one pod; treat them as garbage. */
    static final int MAX_QUEUE_LENGTH = 1_000_000;
    /** The longest DNS-1123 subdomain, which is what a pod name is. */
    static final int MAX_POD_NAME = 253;

    private MuHeaderParser() {}

    /**
     * @param header returns a header's value by name (case-insensitive lookup is the caller's, as
     *     HTTP libraries provide it), or null when absent
     */
    public static HeaderReport parse(UnaryOperator<String> header) {
        return new HeaderReport(
                queueLength(header.apply(MuHeaders.QUEUE_LENGTH)),
                nonNegativeDecimal(header.apply(MuHeaders.SERVICE_RATE)),
                podName(header.apply(MuHeaders.POD)),
                Arch.fromLabel(header.apply(MuHeaders.ARCH)),
                timestamp(header.apply(MuHeaders.TIMESTAMP)));
    }

    /** Whether {@code name} is a pod name (a DNS-1123 subdomain), as {@code Mu-Pod} carries. */
    public static boolean isPodName(String name) {
        // [a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?, checked by hand: it runs on every response the
        // activator-lb relays, where the regex's matcher was about 2 % of its event loops' time
        int length = name == null ? 0 : name.length();
        if (length == 0 || length > MAX_POD_NAME || !alphanumeric(name.charAt(0)) || !alphanumeric(name.charAt(length - 1))) {
            return false;
        }
        for (int i = 1; i < length - 1; i++) {
            char c = name.charAt(i);
            if (!alphanumeric(c) && c != '-' && c != '.') {
                return false;
            }
        }
        return true;
    }

    private static boolean alphanumeric(char c) {
        return c >= 'a' && c <= 'z' || c >= '0' && c <= '9';
    }

    static OptionalInt queueLength(String raw) {
        OptionalLong value = nonNegativeInteger(raw);
        if (value.isEmpty() || value.getAsLong() > MAX_QUEUE_LENGTH) {
            return OptionalInt.empty();
        }
        return OptionalInt.of((int) value.getAsLong());
    }

    static OptionalDouble nonNegativeDecimal(String raw) {
        String s = trimmed(raw);
        if (s == null || !looksDecimal(s)) {
            return OptionalDouble.empty();
        }
        try {
            double value = Double.parseDouble(s);
            return Double.isFinite(value) && value >= 0 ? OptionalDouble.of(value) : OptionalDouble.empty();
        } catch (NumberFormatException e) {
            return OptionalDouble.empty();
        }
    }

    static OptionalLong timestamp(String raw) {
        return nonNegativeInteger(raw);
    }

    static Optional<String> podName(String raw) {
        String s = trimmed(raw);
        return isPodName(s) ? Optional.of(s) : Optional.empty();
    }

    private static OptionalLong nonNegativeInteger(String raw) {
        String s = trimmed(raw);
        if (s == null || s.length() > 18) {
            return OptionalLong.empty();
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return OptionalLong.empty();
            }
        }
        return OptionalLong.of(Long.parseLong(s));
    }

    /** Plain decimal notation only: no hex floats, no "NaN", no "Infinity", no exponent tricks. */
    private static boolean looksDecimal(String s) {
        boolean digit = false;
        boolean dot = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                digit = true;
            } else if (c == '.' && !dot) {
                dot = true;
            } else {
                return false;
            }
        }
        return digit && s.length() <= 32;
    }

    private static String trimmed(String raw) {
        if (raw == null) {
            return null;
        }
        String s = raw.trim();
        return s.isEmpty() ? null : s;
    }
}
