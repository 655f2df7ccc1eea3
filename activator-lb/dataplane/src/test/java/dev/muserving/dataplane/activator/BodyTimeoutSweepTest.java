package dev.muserving.dataplane.activator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BodyTimeoutSweepTest {

    @Test
    void aBodyIsCalledStalledOnlyOnceItHasBeenQuietAtLeastTheTimeoutAndAtMostOnePeriodMore() {
        for (Duration timeout : new Duration[] {Duration.ofMillis(300), Duration.ofSeconds(7), Duration.ofSeconds(60), Duration.ofMinutes(10)}) {
            BodyTimeoutSweep sweep = BodyTimeoutSweep.of(timeout);
            // a byte just after a look: the last look that counts is (periods - 1) periods later
            long shortestQuiet = (sweep.periods() - 1) * sweep.periodMillis();
            long longestQuiet = sweep.periods() * sweep.periodMillis();
            assertThat(shortestQuiet).as("%s", timeout).isGreaterThanOrEqualTo(timeout.toMillis());
            assertThat(longestQuiet).as("%s", timeout).isLessThanOrEqualTo(timeout.toMillis() + 2 * sweep.periodMillis());
        }
    }

    @Test
    void looksAreNeitherBusyForShortTimeoutsNorCoarseForLongOnes() {
        assertThat(BodyTimeoutSweep.of(Duration.ofMillis(100)).periodMillis()).isEqualTo(50);
        assertThat(BodyTimeoutSweep.of(Duration.ofSeconds(60)).periodMillis()).isEqualTo(1_000);
        assertThat(BodyTimeoutSweep.of(Duration.ofSeconds(60)).periods()).isEqualTo(61);
    }
}
