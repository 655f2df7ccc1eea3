package dev.muserving.bench.workload;

import java.util.Set;

/**
 * The knobs of the Azure-like generator (docs/bench.md).
 *
 * @param rateSpread standard deviation of the natural log of the per-function rate (2.5 spans about
 *     six orders of magnitude across a few hundred functions)
 * @param durationMedianMs median over functions of the median service time
 * @param durationSpread standard deviation of the log of the per-function median service time
 * @param sloFactor each function's p99 SLO is this times its amd64 p99 service time
 * @param maxFunctionShare no function gets more than this share of the total rate
 */
public record SyntheticOptions(
        int functions,
        double totalRps,
        long seed,
        double rateSpread,
        double durationMedianMs,
        double durationSpread,
        double armSlowdownMin,
        double armSlowdownMax,
        double sloFactor,
        double maxFunctionShare) {

    public static final Set<String> FIELDS = Set.of(
            "functions", "totalRps", "seed", "rateSpread", "durationMedianMs", "durationSpread",
            "armSlowdownMin", "armSlowdownMax", "sloFactor", "maxFunctionShare");

    public SyntheticOptions {
        if (armSlowdownMax < armSlowdownMin) {
            throw new IllegalArgumentException("armSlowdownMax must be at least armSlowdownMin"); // the scenario file's check names the line
        }
    }

    public static SyntheticOptions defaults(long seed) {
        return new SyntheticOptions(40, 1000, seed, 2.5, 700, 1.4, 1.2, 2.0, 3.0, 0.2);
    }
}
