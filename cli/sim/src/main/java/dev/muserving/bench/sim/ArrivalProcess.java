package dev.muserving.bench.sim;

import dev.muserving.bench.scenario.ArrivalSpec;
import java.util.List;
import java.util.random.RandomGenerator;

/** Generates one function's arrival times, one at a time, from its own random stream. */
public interface ArrivalProcess {

    /** The next arrival after {@code now}, in seconds; infinity when there is none. */
    double next(double now);

    static ArrivalProcess of(ArrivalSpec spec, RandomGenerator random) {
        if (spec instanceof ArrivalSpec.Poisson p) {
            return now -> p.rps() <= 0 ? Double.POSITIVE_INFINITY : now + random.nextExponential() / p.rps();
        }
        if (spec instanceof ArrivalSpec.Periodic p) {
            return periodic(p.rps(), random);
        }
        if (spec instanceof ArrivalSpec.Bursty b) {
            return new Bursty(b, random);
        }
        if (spec instanceof ArrivalSpec.Diurnal d) {
            return new Diurnal(d, random);
        }
        if (spec instanceof ArrivalSpec.PerMinute m) {
            return new PerMinute(m.counts(), random);
        }
        throw new IllegalArgumentException("no arrival process for " + spec);
    }

    private static ArrivalProcess periodic(double rps, RandomGenerator random) {
        return rps <= 0 ? now -> Double.POSITIVE_INFINITY : new Periodic(1 / rps, random.nextDouble() / rps);
    }

    /** Every {@code period} seconds from a random phase; counted, so rounding never repeats a time. */
    final class Periodic implements ArrivalProcess {
        private final double period;
        private final double phase;
        private long emitted;

        Periodic(double period, double phase) {
            this.period = period;
            this.phase = phase;
        }

        @Override
        public double next(double now) {
            double t = phase + emitted * period;
            while (t < now) {
                emitted++;
                t = phase + emitted * period;
            }
            emitted++;
            return t;
        }
    }

    /** Two-state MMPP: exponential sojourns, Poisson arrivals at the state's rate. */
    final class Bursty implements ArrivalProcess {
        private final ArrivalSpec.Bursty spec;
        private final RandomGenerator random;
        private boolean bursting;
        private double stateEnds;

        Bursty(ArrivalSpec.Bursty spec, RandomGenerator random) {
            this.spec = spec;
            this.random = random;
            double burstShare = spec.burstSeconds() / (spec.burstSeconds() + spec.quietSeconds());
            this.bursting = random.nextDouble() < burstShare;
            this.stateEnds = random.nextExponential() * (bursting ? spec.burstSeconds() : spec.quietSeconds());
        }

        @Override
        public double next(double now) {
            double t = now;
            for (int guard = 0; guard < 1_000_000; guard++) {
                double rate = bursting ? spec.burstRps() : spec.quietRps();
                double candidate = rate > 0 ? t + random.nextExponential() / rate : Double.POSITIVE_INFINITY;
                if (candidate < stateEnds) {
                    return candidate;
                }
                t = stateEnds; // memoryless: draw afresh from the state change
                bursting = !bursting;
                stateEnds = t + random.nextExponential() * (bursting ? spec.burstSeconds() : spec.quietSeconds());
            }
            return Double.POSITIVE_INFINITY;
        }
    }

    /** Sinusoidal rate by thinning a Poisson stream at the peak rate. */
    final class Diurnal implements ArrivalProcess {
        private final ArrivalSpec.Diurnal spec;
        private final RandomGenerator random;
        private final double peak;

        Diurnal(ArrivalSpec.Diurnal spec, RandomGenerator random) {
            this.spec = spec;
            this.random = random;
            this.peak = spec.rps() * (1 + spec.amplitude());
        }

        double rate(double t) {
            return spec.rps() * (1 + spec.amplitude() * Math.sin(2 * Math.PI * (t + spec.phaseSeconds()) / spec.periodSeconds()));
        }

        @Override
        public double next(double now) {
            if (peak <= 0) {
                return Double.POSITIVE_INFINITY;
            }
            double t = now;
            while (true) {
                t += random.nextExponential() / peak;
                if (random.nextDouble() * peak < rate(t)) {
                    return t;
                }
            }
        }
    }

    /**
     * Exactly the given count in each minute, at uniformly random times: the sorted uniforms are drawn
     * one at a time (the next of k remaining after u is 1 - (1 - u) V^(1/k)), so nothing is stored.
     */
    final class PerMinute implements ArrivalProcess {
        private final List<Integer> counts;
        private final RandomGenerator random;
        private int minute = -1;
        private int left;
        private double position;

        PerMinute(List<Integer> counts, RandomGenerator random) {
            this.counts = counts;
            this.random = random;
        }

        @Override
        public double next(double now) {
            while (left == 0) {
                minute++;
                if (minute >= counts.size()) {
                    return Double.POSITIVE_INFINITY;
                }
                left = counts.get(minute);
                position = 0;
            }
            position = 1 - (1 - position) * Math.pow(random.nextDouble(), 1.0 / left);
            left--;
            return Math.max(now, (minute + position) * 60);
        }
    }
}
