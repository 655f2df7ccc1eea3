package dev.muserving.lbbench;

import java.util.Arrays;
import java.util.List;

/**
 * Percentiles over several runs: each run's quantile grid stands for its requests (every grid point
 * for requests / 1000 of them), the points of all runs are pooled, and the percentile is read off the
 * pooled, weighted points. Exact up to the grid's 0.1 % resolution.
 */
final class LatencyMerge {

    private final long[] values;
    private final double[] weights;
    private final double total;
    private final long max;

    LatencyMerge(List<WrkResult> runs) {
        int n = runs.size() * WrkResult.GRID;
        long[][] points = new long[n][];
        int i = 0;
        double sum = 0;
        long highest = 0;
        for (WrkResult run : runs) {
            double weight = (double) run.requests() / WrkResult.GRID;
            for (long q : run.quantileMicros()) {
                points[i++] = new long[] {q, Double.doubleToLongBits(weight)};
                sum += weight;
            }
            highest = Math.max(highest, run.maxMicros());
        }
        Arrays.sort(points, (a, b) -> Long.compare(a[0], b[0]));
        values = new long[n];
        weights = new double[n];
        for (int k = 0; k < n; k++) {
            values[k] = points[k][0];
            weights[k] = Double.longBitsToDouble(points[k][1]);
        }
        total = sum;
        max = highest;
    }

    /** The latency below which {@code percent} of the pooled requests fall, in milliseconds. */
    double percentileMillis(double percent) {
        double target = total * percent / 100;
        double seen = 0;
        for (int k = 0; k < values.length; k++) {
            seen += weights[k];
            if (seen >= target) {
                return values[k] / 1000.0;
            }
        }
        return values.length == 0 ? 0 : values[values.length - 1] / 1000.0;
    }

    double maxMillis() {
        return max / 1000.0;
    }
}
