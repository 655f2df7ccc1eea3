package dev.muserving.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.muserving.bench.scenario.ArrivalSpec;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ArrivalProcessTest {

    /** Counts arrivals in [0, horizon) and checks they never go back in time. */
    private static long count(ArrivalProcess process, double horizon) {
        double now = 0;
        long n = 0;
        while (true) {
            double next = process.next(now);
            assertThat(next).isGreaterThanOrEqualTo(now);
            if (next >= horizon) {
                return n;
            }
            now = next;
            n++;
        }
    }

    @Test
    void poissonKeepsItsRate() {
        long n = count(ArrivalProcess.of(new ArrivalSpec.Poisson(50), new SplittableRandom(1)), 2000);
        assertThat(n / 2000.0).isCloseTo(50, within(0.5));
    }

    @Test
    void periodicIsEvenlySpacedAndNeverRepeatsATime() {
        ArrivalProcess process = ArrivalProcess.of(new ArrivalSpec.Periodic(3), new SplittableRandom(2));
        double first = process.next(0);
        double second = process.next(first);
        assertThat(second - first).isCloseTo(1 / 3.0, within(1e-9));
        assertThat(first).isBetween(0.0, 1 / 3.0);
        assertThat(count(ArrivalProcess.of(new ArrivalSpec.Periodic(0.1), new SplittableRandom(3)), 10_000)).isEqualTo(1000);
    }

    @Test
    void burstyKeepsItsMeanAndIsBurstierThanPoisson() {
        ArrivalSpec.Bursty spec = new ArrivalSpec.Bursty(20, 100, 5, 45);
        ArrivalProcess process = ArrivalProcess.of(spec, new SplittableRandom(4));
        int seconds = 20_000;
        long[] perSecond = new long[seconds];
        double now = 0;
        while (true) {
            now = process.next(now);
            if (now >= seconds) {
                break;
            }
            perSecond[(int) now]++;
        }
        double mean = java.util.Arrays.stream(perSecond).average().orElseThrow();
        double variance = java.util.Arrays.stream(perSecond).mapToDouble(c -> (c - mean) * (c - mean)).sum() / seconds;
        assertThat(mean).isCloseTo(20, within(1.0));
        assertThat(variance / mean).as("index of dispersion; 1 for Poisson").isGreaterThan(10);
    }

    @Test
    void diurnalFollowsItsSine() {
        ArrivalSpec.Diurnal spec = new ArrivalSpec.Diurnal(100, 0.8, 400, 0);
        ArrivalProcess process = ArrivalProcess.of(spec, new SplittableRandom(5));
        long peak = 0;
        long trough = 0;
        double now = 0;
        while ((now = process.next(now)) < 40_000) {
            double phase = (now % 400) / 400;
            if (phase > 0.2 && phase < 0.3) {
                peak++;
            } else if (phase > 0.7 && phase < 0.8) {
                trough++;
            }
        }
        assertThat(peak / (double) trough).isCloseTo(179.0 / 21.0, within(0.6));
    }

    @Test
    void perMinuteGivesExactlyTheCountsOfEachMinute() {
        List<Integer> counts = List.of(3, 0, 120, 1);
        ArrivalProcess process = ArrivalProcess.of(new ArrivalSpec.PerMinute(counts), new SplittableRandom(6));
        int[] seen = new int[4];
        double now = 0;
        while ((now = process.next(now)) < Double.POSITIVE_INFINITY) {
            seen[(int) (now / 60)]++;
        }
        assertThat(seen).containsExactly(3, 0, 120, 1);
    }
}
