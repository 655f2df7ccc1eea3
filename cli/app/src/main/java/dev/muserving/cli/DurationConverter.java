package dev.muserving.cli;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Durations as people type them: {@code 500ms}, {@code 20s}, {@code 1.5m}, {@code 2h}; a bare number is seconds. */
final class DurationConverter implements ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        return parse(value, false);
    }

    /** For an option where no time at all makes sense, such as mu soak's --quiet: 0 is taken too. */
    static final class OrZero implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return parse(value, true);
        }
    }

    private static Duration parse(String value, boolean zeroTaken) {
        String s = value.trim().toLowerCase(Locale.ROOT);
        double unitSeconds = 1;
        String number = s;
        if (s.endsWith("ms")) {
            unitSeconds = 0.001;
            number = s.substring(0, s.length() - 2);
        } else if (s.endsWith("s")) {
            number = s.substring(0, s.length() - 1);
        } else if (s.endsWith("m")) {
            unitSeconds = 60;
            number = s.substring(0, s.length() - 1);
        } else if (s.endsWith("h")) {
            unitSeconds = 3600;
            number = s.substring(0, s.length() - 1);
        }
        double amount;
        try {
            amount = Double.parseDouble(number);
        } catch (NumberFormatException e) {
            amount = Double.NaN;
        }
        if (Double.isNaN(amount) || Double.isInfinite(amount)) {
            throw new TypeConversionException("'" + value + "' is not a duration; use e.g. 500ms, 20s, 1.5m or 2h");
        }
        if (!(amount > 0) && !(zeroTaken && amount == 0)) {
            throw new TypeConversionException("'" + value + "': a duration must be " + (zeroTaken ? "0 or more" : "above zero"));
        }
        if (amount * unitSeconds > LONGEST.toSeconds()) {
            // beyond what a long holds in nanoseconds (292 years), deadlines wrapped round: mu load with
            // --duration 2600000h sent nothing and exited 0
            throw new TypeConversionException("'" + value + "': at most " + LONGEST.toHours() + "h (a year)");
        }
        return Duration.ofNanos(Math.round(amount * unitSeconds * 1e9));
    }

    /** Longer than any run or time limit a command takes. */
    static final Duration LONGEST = Duration.ofDays(366);
}
