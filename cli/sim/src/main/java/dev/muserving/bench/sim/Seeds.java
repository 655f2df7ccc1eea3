package dev.muserving.bench.sim;

import dev.muserving.bench.scenario.ArrivalSpec;
import java.util.SplittableRandom;

/**
 * Independent random streams derived from the scenario seed, one per purpose and owner. Arrival times
 * and request sizes depend only on the seed and the function, each on a stream of its own, so every
 * system and every mode (simulated, emulated, on a cluster) replays the same requests at the same
 * times (common random numbers); start-up times, the balancer a request lands on and tie-breaks have
 * streams of their own, whose use may depend on the system's state.
 */
public final class Seeds {

    public static final int ARRIVALS = 1;
    public static final int ROUTING = 2;
    public static final int PLACEMENT = 3;
    public static final int STARTUP = 4;
    /** Each request's standard normal quantile of service time. */
    public static final int SIZES = 5;
    /** Which balancer an arrival lands on. */
    public static final int BALANCERS = 6;

    private Seeds() {}

    /** The arrival times of function {@code function} (its index in the scenario): the same in every system and mode. */
    public static ArrivalProcess arrivals(long seed, int function, ArrivalSpec spec) {
        return ArrivalProcess.of(spec, stream(seed, ARRIVALS, function, 0));
    }

    /** The size quantiles of function {@code function}'s requests, one per arrival in order: the same in every system and mode. */
    public static SplittableRandom sizes(long seed, int function) {
        return stream(seed, SIZES, function, 0);
    }

    public static SplittableRandom stream(long seed, int purpose, int owner, int sub) {
        long mixed = mix(mix(mix(seed) ^ purpose * 0x9E3779B97F4A7C15L) ^ owner * 0xC2B2AE3D27D4EB4FL) ^ sub;
        return new SplittableRandom(mix(mixed));
    }

    /** SplitMix64's finaliser: nearby inputs give unrelated outputs. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
