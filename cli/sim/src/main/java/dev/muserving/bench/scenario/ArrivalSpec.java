package dev.muserving.bench.scenario;

import java.util.List;

/** How requests to one function arrive. Rates are long-run means in requests per second. */
public sealed interface ArrivalSpec {

    /** The long-run mean rate, requests per second. */
    double meanRps();

    /** The mean rate over a run of {@code seconds}: {@link #meanRps()} unless the arrivals end before the run. */
    default double meanRpsOver(double seconds) {
        return meanRps();
    }

    /** The same shape at {@code factor} times the rate: bursts, peaks and spacing scale alike. */
    ArrivalSpec scaled(double factor);

    /** Exponential inter-arrival times: a memoryless stream. */
    record Poisson(double rps) implements ArrivalSpec {
        @Override
        public double meanRps() {
            return rps;
        }

        @Override
        public Poisson scaled(double factor) {
            return new Poisson(rps * factor);
        }
    }

    /**
     * A two-state Markov-modulated Poisson process: bursts at {@code burstRps} lasting
     * {@code burstSeconds} on average, quiet spells of {@code quietSeconds} on average at the rate
     * that keeps the long-run mean at {@code rps}.
     */
    record Bursty(double rps, double burstRps, double burstSeconds, double quietSeconds) implements ArrivalSpec {
        public double quietRps() {
            return (rps * (burstSeconds + quietSeconds) - burstRps * burstSeconds) / quietSeconds;
        }

        @Override
        public double meanRps() {
            return rps;
        }

        @Override
        public Bursty scaled(double factor) {
            return new Bursty(rps * factor, burstRps * factor, burstSeconds, quietSeconds);
        }
    }

    /** A Poisson stream whose rate follows {@code rps * (1 + amplitude * sin(2 pi (t + phase) / period))}. */
    record Diurnal(double rps, double amplitude, double periodSeconds, double phaseSeconds) implements ArrivalSpec {
        @Override
        public double meanRps() {
            return rps;
        }

        @Override
        public Diurnal scaled(double factor) {
            return new Diurnal(rps * factor, amplitude, periodSeconds, phaseSeconds);
        }
    }

    /** Evenly spaced arrivals, as a timer trigger makes them. */
    record Periodic(double rps) implements ArrivalSpec {
        @Override
        public double meanRps() {
            return rps;
        }

        @Override
        public Periodic scaled(double factor) {
            return new Periodic(rps * factor);
        }
    }

    /**
     * Exactly {@code counts[m]} arrivals in minute {@code m}, spread uniformly at random within it:
     * keeps a trace's per-minute counts instead of re-drawing them from a Poisson law.
     */
    record PerMinute(List<Integer> counts) implements ArrivalSpec {
        public PerMinute {
            counts = List.copyOf(counts);
        }

        @Override
        public double meanRps() {
            return counts.isEmpty() ? 0 : counts.stream().mapToLong(Integer::longValue).sum() / (60.0 * counts.size());
        }

        /** Seconds the counts cover. */
        public double coveredSeconds() {
            return 60.0 * counts.size();
        }

        /** Minutes past the counts have no arrivals, and counts past the run are not sent. */
        @Override
        public double meanRpsOver(double seconds) {
            double sent = 0;
            for (int m = 0; m < counts.size() && m * 60.0 < seconds; m++) {
                sent += counts.get(m) * Math.min(1, (seconds - m * 60.0) / 60);
            }
            return sent / seconds;
        }

        /** Each minute's count scaled and rounded to the nearest whole request. */
        @Override
        public PerMinute scaled(double factor) {
            return new PerMinute(counts.stream().map(c -> (int) Math.round(c * factor)).toList());
        }
    }
}
