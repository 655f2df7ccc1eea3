package dev.muserving.autoscaler.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muserving.api.Arch;
import dev.muserving.api.FunctionSpec;
import dev.muserving.api.MetricSnapshot;
import dev.muserving.api.ReplicaCounts;
import dev.muserving.api.ScalingDecision;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    void withFewIdleTimesTheStandardKeepAliveHoldsForTheHistogramsRange() {
        HybridHistogramKeepAlive policy = new HybridHistogramKeepAlive(ZERO);
        policy.record(second(T0, 3));
        policy.record(second(T0.plusSeconds(1), 0));
        assertThat(policy.window().fromHistogram()).isFalse();
        assertThat(policy.window().preWarm()).isZero();
        assertThat(desired(policy, T0.plus(Duration.ofMinutes(11)))).isEqualTo(1);
        assertThat(desired(policy, T0.plus(Duration.ofHours(4)).minusSeconds(1))).isEqualTo(1);
        assertThat(desired(policy, T0.plus(Duration.ofHours(4)))).isZero();
    }

    /**
     * Found by an outside probe: the quiet second before a cold start's request arrives after the
     * activator's report of it, and each cold start put an idle time of 0 into the histogram, so a
     * function called every five minutes was never unloaded.
     */
    @Test
    void aColdStartsLateQuietSecondAddsNoIdleTime() {
        HybridHistogramKeepAlive policy = new HybridHistogramKeepAlive(ZERO);
        policy.record(second(T0, 1));
        Instant at = T0;
        for (int call = 0; call < 12; call++) {
            policy.record(second(at.plusSeconds(2), 0)); // quiet from here
            at = at.plus(Duration.ofMinutes(5));
            policy.recordActivation(at.plusMillis(300));
            policy.record(second(at, 0)); // the second before the request, reported late
            policy.record(second(at.plusSeconds(1), 1));
        }
        HybridHistogramKeepAlive.Window window = policy.window();
        assertThat(window.fromHistogram()).isTrue();
        assertThat(window.preWarm()).as("every idle time in the 4-minute bin").isEqualTo(Duration.ofSeconds(4 * 60 * 9 / 10));
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
    void aroundMusAutoscalerTheLastPodStaysForTheKeepAliveWhereMuAloneLetsItGo() {
        FunctionSpec fn = new FunctionSpec("f", 4, 500, 256, Set.of(Arch.AMD64), 300, 1, 0, 0, 1, Duration.ofSeconds(60));
        AutoscalingPolicy mu = AutoscalingPolicies.byName("mu").orElseThrow().create(fn);
        AutoscalingPolicy muHist = AutoscalingPolicies.byName("mu-hist").orElseThrow().create(fn);
        Map<AutoscalingPolicy, Integer> atFiveMinutes = new HashMap<>();
        for (AutoscalingPolicy policy : List.of(mu, muHist)) {
            for (int s = 0; s <= 300; s++) { // a few requests in the first 10 s, then none
                Instant at = T0.plusSeconds(s);
                policy.record(second(at, s < 10 ? 2 : 0));
                atFiveMinutes.put(policy, policy.decide(new ReplicaCounts(1, 0, 0), at).desiredReplicas());
            }
        }
        assertThat(atFiveMinutes.get(mu)).as("Mu alone: gone after its 60 s without a request").isZero();
        assertThat(atFiveMinutes.get(muHist)).as("too few idle times for a histogram: the standard keep-alive").isEqualTo(1);
        assertThat(muHist.decide(new ReplicaCounts(1, 0, 0), T0.plus(Duration.ofHours(5))).desiredReplicas()).isZero();
    }

    @Test
    void whileTrafficFlowsTheKpaDecidesAlone() {
        HybridHistogramKeepAlive policy = new HybridHistogramKeepAlive(kpaWanting(4));
        policy.record(second(T0, 50));
        assertThat(desired(policy, T0.plusSeconds(1))).isEqualTo(4);
    }
}
