package dev.muserving.placement.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KubeSchedulerScoringTest {

    @Test
    void leastAllocatedIsTheMeanFreeShareAfterThePod() {
        assertThat(KubeSchedulerScoring.leastAllocated(4000, 1000, 8192, 2048)).isEqualTo(75);
        // cpu 50, memory 87 (87.5 truncated), mean 68 (68.5 truncated)
        assertThat(KubeSchedulerScoring.leastAllocated(4000, 2000, 8192, 1024)).isEqualTo(68);
    }

    @Test
    void balancedAllocationPenalisesUnevenShares() {
        assertThat(KubeSchedulerScoring.balancedAllocation(4000, 1000, 8192, 2048)).isEqualTo(100);
        // shares 0.5 and 0.125: std 0.1875, score 81.25 truncated
        assertThat(KubeSchedulerScoring.balancedAllocation(4000, 2000, 8192, 1024)).isEqualTo(81);
        assertThat(KubeSchedulerScoring.score(4000, 2000, 8192, 1024)).isEqualTo(149);
    }
}
