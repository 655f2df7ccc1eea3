package dev.muserving.autoscaler.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BurstMemoryTest {

    @Test
    void aSteadyStreamShowsNoBurstAboveItsMean() {
        // 100 a second over 5 s spans: (500 - 2 sqrt 500) / 5 = 91.06 a second.
        BurstMemory memory = new BurstMemory(5, 300, 2);
        for (int s = 1; s <= 60; s++) {
            memory.observe(s, 100);
        }
        assertThat(memory.peakRate()).isCloseTo(91.06, within(0.01));
    }

    @Test
    void poissonNoiseOfASlowFunctionIsNotTakenForABurst() {
        // At 2 a second, the busiest second of five minutes sees 6 or more (3x the mean); a 5 s span
        // discounted by two standard deviations of noise stays within a quarter of the mean, so 70 %
        // of it (mu-burst's share) asks for no room beyond the mean.
        SplittableRandom random = new SplittableRandom(7);
        BurstMemory spans = new BurstMemory(5, 300, 2);
        BurstMemory seconds = new BurstMemory(1, 300, 0);
        for (int s = 1; s <= 300; s++) {
            long arrivals = poisson(random, 2);
            spans.observe(s, arrivals);
            seconds.observe(s, arrivals);
        }
        assertThat(seconds.peakRate()).isGreaterThanOrEqualTo(6);
        assertThat(spans.peakRate()).isLessThan(2 * 1.25);
    }

    @Test
    void aRealBurstIsRememberedForTheMemoryThenForgotten() {
        BurstMemory memory = new BurstMemory(5, 60, 2);
        for (int s = 1; s <= 20; s++) {
            memory.observe(s, 20);
        }
        for (int s = 21; s <= 25; s++) {
            memory.observe(s, 400); // (2000 - 2 sqrt 2000) / 5 = 382.1
        }
        for (int s = 26; s <= 84; s++) {
            memory.observe(s, 20);
        }
        assertThat(memory.peakRate()).isCloseTo(382.1, within(0.1));
        memory.observe(85, 20); // the 5 s span that ended at second 25 is now 60 s old
        assertThat(memory.peakRate()).isLessThan(382);
        for (int s = 86; s <= 90; s++) {
            memory.observe(s, 20);
        }
        assertThat(memory.peakRate()).isCloseTo((100 - 2 * Math.sqrt(100)) / 5, within(0.01));
    }

    @Test
    void rejectsAWindowLongerThanTheMemory() {
        assertThatThrownBy(() -> new BurstMemory(10, 5, 2)).hasMessageContaining("window (10) <= memory (5)");
    }

    private static long poisson(SplittableRandom random, double mean) {
        long count = 0;
        double p = Math.exp(-mean);
        double product = random.nextDouble();
        while (product > p) {
            count++;
            product *= random.nextDouble();
        }
        return count;
    }
}
