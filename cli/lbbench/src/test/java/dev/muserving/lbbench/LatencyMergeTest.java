package dev.muserving.lbbench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class LatencyMergeTest {

    /** A run whose latencies are spread evenly from 0 up to {@code topMicros}. */
    private static WrkResult uniform(long requests, long topMicros) {
        long[] grid = new long[WrkResult.GRID];
        for (int k = 0; k < grid.length; k++) {
            grid[k] = Math.round(topMicros * (k + 0.5) / WrkResult.GRID);
        }
        return new WrkResult(requests, 1, 0, topMicros, grid);
    }

    @Test
    void oneRunGivesBackItsOwnPercentiles() {
        LatencyMerge merge = new LatencyMerge(List.of(uniform(1000, 10_000)));
        assertThat(merge.percentileMillis(50)).isCloseTo(5.0, within(0.01));
        assertThat(merge.percentileMillis(99)).isCloseTo(9.9, within(0.01));
        assertThat(merge.maxMillis()).isEqualTo(10.0);
    }

    @Test
    void runsCountByTheirRequests() {
        // 3,000 requests at 0-10 ms and 1,000 at 10-20 ms: the median is 2,000 requests in, at
        // two thirds of the first run (6.67 ms); the 90th percentile is at 3,600, in the second run (16 ms).
        long[] slow = new long[WrkResult.GRID];
        for (int k = 0; k < slow.length; k++) {
            slow[k] = Math.round(10_000 + 10_000 * (k + 0.5) / WrkResult.GRID);
        }
        LatencyMerge merge = new LatencyMerge(List.of(uniform(3000, 10_000), new WrkResult(1000, 1, 0, 20_000, slow)));
        assertThat(merge.percentileMillis(50)).isCloseTo(6.67, within(0.02));
        assertThat(merge.percentileMillis(90)).isCloseTo(16.0, within(0.02));
        assertThat(merge.maxMillis()).isEqualTo(20.0);
    }
}
