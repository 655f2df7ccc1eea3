package dev.muserving.bench.scenario;

/**
 * A log-normal distribution given by its median and 99th percentile, the way service times and
 * start-up times are usually reported. A sample is drawn from a standard normal quantile {@code z},
 * so that two systems replaying one workload can give a request the same relative size.
 */
public record LatencyDistribution(double median, double p99) {

    /** The standard normal's 99th percentile. */
    static final double Z99 = 2.3263478740408408;

    public LatencyDistribution {
        if (!(median > 0) || !(p99 >= median) || Double.isInfinite(p99)) {
            throw new IllegalArgumentException("needs 0 < median <= p99, got median " + median + ", p99 " + p99);
        }
    }

    public double sigma() {
        return Math.log(p99 / median) / Z99;
    }

    /** The value at standard normal quantile {@code z}. */
    public double at(double z) {
        return median * Math.exp(sigma() * z);
    }

    public double mean() {
        double s = sigma();
        return median * Math.exp(s * s / 2);
    }

    public LatencyDistribution scaled(double factor) {
        return new LatencyDistribution(median * factor, p99 * factor);
    }
}
