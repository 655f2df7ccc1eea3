package dev.muserving.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class SeedsSummaryTest {

    @Test
    void fiveSeedsGiveTheRangeAtNinetyThreePointEightPercent() {
        assertThat(SeedsSummary.lowerRank(5)).isEqualTo(1);
        assertThat(SeedsSummary.coverage(5, 1)).isCloseTo(1 - 2.0 / 32, within(1e-12));
    }

    @Test
    void moreSeedsNarrowTheIntervalWhileKeepingNinetyFivePercent() {
        // n = 10: P(B ≤ 1) = 11/1024, so [x(2), x(9)] covers 97.9 %; [x(3), x(8)] only 89.1 %
        assertThat(SeedsSummary.lowerRank(10)).isEqualTo(2);
        assertThat(SeedsSummary.coverage(10, 2)).isCloseTo(1 - 22.0 / 1024, within(1e-12));
        assertThat(SeedsSummary.coverage(10, 3)).isLessThan(0.95);
        for (int n = 6; n <= 100; n++) {
            int k = SeedsSummary.lowerRank(n);
            assertThat(SeedsSummary.coverage(n, k)).as("n = %d", n).isGreaterThanOrEqualTo(0.95);
            assertThat(k + 1 > (n + 1) / 2 || SeedsSummary.coverage(n, k + 1) < 0.95).as("n = %d: the narrowest such", n).isTrue();
        }
    }

    @Test
    void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwoAndValuesKeepTheSeedsOrder() {
        SeedsSummary.Figure f = SeedsSummary.figure(List.of(4.0, 1.0, 3.0, 2.0, 10.0, 6.0), SeedsSummary.lowerRank(6));
        assertThat(f.median()).isEqualTo(3.5);
        assertThat(f.low()).isEqualTo(1.0);
        assertThat(f.high()).isEqualTo(10.0);
        assertThat(f.values()).containsExactly(4.0, 1.0, 3.0, 2.0, 10.0, 6.0);
    }
}
