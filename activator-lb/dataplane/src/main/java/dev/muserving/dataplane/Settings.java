package dev.muserving.dataplane;

import dev.muserving.api.Arch;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Typed reads of string settings (environment variables, or options turned into the same names),
 * each error naming the setting and the value it got.
 */
public final class Settings {

    private final Map<String, String> values;

    public Settings(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    public String string(String name, String fallback) {
        String value = values.get(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    public int integer(String name, int fallback, int min, int max) {
        String raw = values.get(name);
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(raw.trim());
            if (value < min || value > max) {
                throw new ConfigException(name + " must be between " + min + " and " + max + ", got " + value);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new ConfigException(name + " must be a whole number, got '" + raw + "'");
        }
    }

    /** A positive number of seconds, fractions allowed, at most a day. */
    public Duration seconds(String name, Duration fallback) {
        return seconds(name, fallback, false);
    }

    /** A number of seconds that may be 0 (for "not at all"), fractions allowed, at most a day. */
    public Duration secondsOrZero(String name, Duration fallback) {
        return seconds(name, fallback, true);
    }

    private Duration seconds(String name, Duration fallback, boolean zeroAllowed) {
        String raw = values.get(name);
        return raw == null || raw.isBlank() ? fallback : Duration.ofNanos(Math.round(decimal(name, raw, zeroAllowed, 86_400, "seconds") * 1e9));
    }

    /** A non-negative number of milliseconds, fractions allowed, at most an hour. */
    public double millis(String name, double fallback) {
        String raw = values.get(name);
        return raw == null || raw.isBlank() ? fallback : decimal(name, raw, true, 3_600_000, "milliseconds");
    }

    /** A positive factor (a node's speed: 1 is the reference), at most 100. */
    public double factor(String name, double fallback) {
        String raw = values.get(name);
        return raw == null || raw.isBlank() ? fallback : decimal(name, raw, false, 100, "times the reference");
    }

    private static double decimal(String name, String raw, boolean zeroAllowed, double max, String unit) {
        try {
            double value = Double.parseDouble(raw.trim());
            if (!(zeroAllowed ? value >= 0 : value > 0) || value > max) {
                throw new ConfigException(String.format(Locale.ROOT, zeroAllowed ? "%s must be a number of %s from 0 to %.0f, got %s"
                        : "%s must be a number of %s above 0 and at most %.0f, got %s", name, unit, max, raw));
            }
            return value;
        } catch (NumberFormatException e) {
            throw new ConfigException(name + " must be a number of " + unit + ", got '" + raw + "'");
        }
    }

    public long bytes(String name, long fallback) {
        String raw = values.get(name);
        return raw == null || raw.isBlank() ? fallback : bytes(name, raw);
    }

    /** A size such as 1048576, 512Ki or 10Mi; the error names the setting. */
    public static long bytes(String name, String raw) {
        String s = raw.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        for (String[] suffix : new String[][] {{"ki", "1024"}, {"mi", "1048576"}, {"gi", "1073741824"}}) {
            if (s.endsWith(suffix[0])) {
                unit = Long.parseLong(suffix[1]);
                s = s.substring(0, s.length() - 2);
            }
        }
        try {
            long value = Long.parseLong(s) * unit;
            if (value < 0) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new ConfigException(name + " must be a size in bytes such as 1048576, 512Ki or 10Mi, got '" + raw + "'");
        }
    }

    public Arch arch(String name, Arch fallback) {
        String raw = values.get(name);
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        return Arch.fromLabel(raw).orElseThrow(() -> new ConfigException(name + " must be amd64 or arm64, got '" + raw + "'"));
    }

    /** This machine's architecture as Kubernetes names it. */
    public static Arch hostArch() {
        String os = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return os.equals("aarch64") || os.equals("arm64") ? Arch.ARM64 : Arch.AMD64;
    }
}
