package dev.muserving.operator.model;

import java.time.Duration;

/** The CRD's durations ({@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}; the schema checks the form). */
final class Durations {

    private Durations() {}

    static Duration parse(String value, Duration fallback) {
        if (value == null) {
            return fallback;
        }
        if (value.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
        }
        long amount = Long.parseLong(value.substring(0, value.length() - 1));
        return switch (value.charAt(value.length() - 1)) {
            case 's' -> Duration.ofSeconds(amount);
            case 'm' -> Duration.ofMinutes(amount);
            case 'h' -> Duration.ofHours(amount);
            default -> throw new IllegalArgumentException("not a duration: " + value);
        };
    }
}
