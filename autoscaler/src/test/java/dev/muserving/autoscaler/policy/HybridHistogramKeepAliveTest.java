package dev.muserving.autoscaler.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muserving.api.MetricSnapshot;
import dev.muserving.api.ReplicaCounts;
import dev.muserving.api.ScalingDecision;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class HybridHistogramKeepAliveTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /** The KPA's part, fixed at a count. */
    private static AutoscalingPolicy kpaWanting(int replicas) {
        return new AutoscalingPolicy() {
            @Override
            public int initialReplicas() {
                return 1;
            }

            @Override
            public void record(MetricSnapshot snapshot) {}

            @Override
            public ScalingDecision decide(ReplicaCounts counts, Instant now) {
                return new ScalingDecision(replicas, "kpa: " + replicas);
            }
        };
    }

    /** The KPA would scale the idle function to zero. */
    private static final AutoscalingPolicy ZERO = kpaWanting(0);

    private static MetricSnapshot second(Instant at, long arrivals) {
        return new MetricSnapshot("f", at, Duration.ofSeconds(1), arrivals, arrivals, arrivals, 0, List.of());
    }

    private static int desired(HybridHistogramKeepAlive policy, Instant at) {
        return policy.decide(new ReplicaCounts(1, 0, 0), at).desiredReplicas();
    }

    @Test
    void withFewIdleTimesTheFixedTenMinuteKeepAliveHolds() {
        HybridHistogramKeepAlive policy = new HybridHistogramKeepAlive(ZERO);
        policy.record(second(T0, 3));
        policy.record(second(T0.plusSeconds(1), 0));
        assertThat(policy.window().fromHistogram()).isFalse();
        assertThat(desired(policy, T0.plus(Duration.ofMinutes(9)))).isEqualTo(1);
        assertThat(desired(policy, T0.plus(Duration.ofMinutes(11)))).isZero();
    }

    @Test
    void aRegularTwentyMinuteGapIsUnloadedThenPreWarmedBeforeTheNextCall() {
        HybridHistogramKeepAlive policy = new HybridHistogramKeepAlive(ZERO);
        for (int i = 0; i < 30; i++) {
            policy.recordIdleTime(Duration.ofMinutes(20).plusSeconds(10));
        }
        HybridHistogramKeepAlive.Window window = policy.window();
        assertThat(window.fromHistogram()).isTrue();
        assertThat(window.preWarm()).isEqualTo(Duration.ofSeconds(20 * 60 * 9 / 10));
        assertThat(window.keepAlive()).isEqualTo(Duration.ofSeconds(21 * 60 * 11 / 10));

        policy.record(second(T0, 2));
        assertThat(desired(policy, T0.plus(Duration.ofMinutes(5)))).as("unloaded after the call").isZero();
        assertThat(desired(policy, T0.plus(Duration.ofMinutes(19)))).as("pre-warmed before the next").isEqualTo(1);
        assertThat(desired(policy, T0.plus(Duration.ofMinutes(24)))).as("past the tail").isZero();
    }

    @Test
    void idleTimesAreMeasuredFromTheLastBusySecondToTheNextArrival() {
        HybridHistogramKeepAlive policy = new HybridHistogramKeepAlive(ZERO);
        policy.record(second(T0, 1));
        for (int s = 1; s <= 180; s++) {
            policy.record(second(T0.plusSeconds(s), 0));
        }
        policy.record(second(T0.plusSeconds(181), 1)); // arrivals in (180 s, 181 s]: an idle time of 3 minutes
        for (int i = 0; i < 9; i++) {
            policy.recordIdleTime(Duration.ofMinutes(3));
        }
        HybridHistogramKeepAlive.Window window = policy.window();
        assertThat(window.fromHistogram()).isTrue();
        assertThat(window.keepAlive()).isEqualTo(Duration.ofSeconds(4 * 60 * 11 / 10));
    }

    @Test
    void whileTrafficFlowsTheKpaDecidesAlone() {
        HybridHistogramKeepAlive policy = new HybridHistogramKeepAlive(kpaWanting(4));
        policy.record(second(T0, 50));
        assertThat(desired(policy, T0.plusSeconds(1))).isEqualTo(4);
    }
}
