package dev.muserving.autoscaler.policy;

/**
 * Holt's linear exponential smoothing of a rate sampled at a fixed step: a level and a trend, so a
 * ramp is extrapolated rather than trailed. The trend is damped, so a burst's slope is not projected
 * forever.
 */
final class HoltForecaster {

    private final double alpha;
    private final double beta;
    private final double damping;
    private double level;
    private double trend;
    private boolean started;

    /**
     * @param alpha weight of a new sample in the level
     * @param beta weight of a new slope in the trend
     * @param damping trend multiplier per step ahead (1 = undamped)
     */
    HoltForecaster(double alpha, double beta, double damping) {
        this.alpha = alpha;
        this.beta = beta;
        this.damping = damping;
    }

    void observe(double value) {
        if (!started) {
            level = value;
            trend = 0;
            started = true;
            return;
        }
        double previous = level;
        level = alpha * value + (1 - alpha) * (previous + damping * trend);
        trend = beta * (level - previous) + (1 - beta) * damping * trend;
    }

    /** The value expected {@code steps} samples ahead, never negative. */
    double forecast(double steps) {
        if (!started) {
            return 0;
        }
        double ahead = damping == 1 ? steps : damping * (1 - Math.pow(damping, steps)) / (1 - damping);
        return Math.max(0, level + ahead * trend);
    }
}
