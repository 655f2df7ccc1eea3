package dev.muserving.dataplane.function;

import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * How long an emulated request waits: a fixed time, or a log-normal spread given by its median and
 * p99, as the scenarios of {@code mu bench} describe functions. Seeded, so two runs draw the same
 * times.
 */
public final class ServiceTime {

    /** The standard normal's 99th percentile: p99 = median · exp(σ · Z99) for a log-normal. */
    static final double Z99 = 2.3263478740408408;

    private final double medianMillis;
    private final double sigma;
    private final RandomGenerator random;

    private ServiceTime(double medianMillis, double sigma, RandomGenerator random) {
        this.medianMillis = medianMillis;
        this.sigma = sigma;
        this.random = random;
    }

    public static ServiceTime fixed(double millis) {
        if (!(millis >= 0)) {
            throw new IllegalArgumentException("service time must not be negative, got " + millis);
        }
        return new ServiceTime(millis, 0, null);
    }

    /** Log-normal with this median and p99; a p99 equal to the median is a fixed time. */
    public static ServiceTime logNormal(double medianMillis, double p99Millis, long seed) {
        if (!(medianMillis > 0) || !(p99Millis >= medianMillis)) {
            throw new IllegalArgumentException("needs 0 < median <= p99, got median " + medianMillis + " and p99 " + p99Millis);
        }
        return new ServiceTime(medianMillis, Math.log(p99Millis / medianMillis) / Z99,
                RandomGeneratorFactory.of("L64X128MixRandom").create(seed));
    }

    /** The next request's time; called from one event loop. */
    public double nextMillis() {
        return sigma == 0 ? medianMillis : atQuantile(random.nextGaussian());
    }

    /**
     * The time of a request whose size the caller drew: {@code z} is its standard normal quantile,
     * as {@code mu bench}'s simulator draws it, so a replayed request takes what it takes there.
     */
    public double atQuantile(double z) {
        return medianMillis * Math.exp(sigma * z);
    }
}
