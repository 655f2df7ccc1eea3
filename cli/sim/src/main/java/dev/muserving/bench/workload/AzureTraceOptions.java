package dev.muserving.bench.workload;

import java.nio.file.Path;
import java.util.Set;

/**
 * Which part of the Azure Functions 2019 trace to replay.
 *
 * @param day the day file to read ({@code d01} … {@code d14})
 * @param functions how many functions to sample
 * @param startMinute first minute of the day to replay (0-based; minute column {@code startMinute + 1})
 * @param minutes how many minutes to replay
 * @param armSlowdown arm64 service time over amd64's (the trace has one architecture)
 * @param rateScale multiplies every per-minute count, to fit the trace to a small cluster
 */
public record AzureTraceOptions(
        Path directory,
        int day,
        int functions,
        int startMinute,
        int minutes,
        long seed,
        double armSlowdown,
        double sloFactor,
        double rateScale) {

    public static final Set<String> FIELDS = Set.of(
            "directory", "day", "functions", "startMinute", "minutes", "seed", "armSlowdown", "sloFactor", "rateScale");

    public static AzureTraceOptions defaults(long seed) {
        return new AzureTraceOptions(Path.of("."), 1, 20, 0, 10, seed, 1.5, 3.0, 1.0);
    }
}
