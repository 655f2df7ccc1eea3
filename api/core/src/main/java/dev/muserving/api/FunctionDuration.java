package dev.muserving.api;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Function's durations ({@code timeout}, {@code scale.scaleToZeroAfter}, {@code slo.p99}): a
 * whole number of at most six digits and {@code ms}, {@code s}, {@code m} or {@code h}, as Knative
 * writes them. Six digits (up to 114 years) keep every reader's arithmetic in range, nanoseconds
 * included, so the API server refuses what no reader could hold. One grammar for the CRD's schema,
 * the operator and {@code mu local}.
 */
public final class FunctionDuration {

    /** The CRD's schema pattern (a constant, so annotations can name it). */
    public static final String PATTERN = "^[0-9]{1,6}(ms|s|m|h)$";
    /**
     * For a duration that must be above zero (a timeout, an SLO): no leading zero. A request timeout of
     * 0 would answer every request 504 at once; Knative reads timeoutSeconds 0 as "the default",
     * which a Function says by leaving the field out.
     */
    public static final String POSITIVE_PATTERN = "^[1-9][0-9]{0,5}(ms|s|m|h)$";
    private static final Pattern FORM = Pattern.compile("([0-9]{1,6})(ms|s|m|h)");

    private FunctionDuration() {}

    /** Seconds as a plain decimal, to the millisecond: {@code 300}, {@code 1.5}, {@code 0.25}. */
    public static String seconds(Duration duration) {
        return BigDecimal.valueOf(duration.toMillis(), 3).stripTrailingZeros().toPlainString();
    }

    /** The duration, or empty for anything else (including one too long to hold). */
    public static Optional<Duration> parse(String text) {
        Matcher m = text == null ? null : FORM.matcher(text);
        if (m == null || !m.matches()) {
            return Optional.empty();
        }
        try {
            long amount = Long.parseLong(m.group(1));
            return Optional.of(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            });
        } catch (ArithmeticException | NumberFormatException tooLong) {
            return Optional.empty();
        }
    }
}
