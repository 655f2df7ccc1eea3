package dev.muserving.api;

import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Reads the Mu headers of a response. A value that is missing, malformed or out of range comes back
 * absent: a pod with a bad header keeps its last good state, and nothing here ever throws on input.
 */
public final class MuHeaderParser {

    /** Longer queues than this are not believable from one pod; treat them as garbage. */
    static final int MAX_QUEUE_LENGTH = 1_000_000;
    /** A DNS-1123 subdomain, which is what a pod name is. */
    private static final Pattern POD_NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

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
        return name != null && POD_NAME.matcher(name).matches();
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
        return s != null && POD_NAME.matcher(s).matches() ? Optional.of(s) : Optional.empty();
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
