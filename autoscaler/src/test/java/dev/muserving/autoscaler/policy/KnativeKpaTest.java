package dev.muserving.autoscaler.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muserving.api.Arch;
import dev.muserving.api.FunctionSpec;
import dev.muserving.api.MetricSnapshot;
import dev.muserving.api.ReplicaCounts;
import dev.muserving.api.ScalingDecision;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KnativeKpaTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /** containerConcurrency 10 → target 7 concurrent requests per pod. */
    private final KnativeKpa kpa = new KnativeKpa(function(10, 0, 0), KpaConfig.DEFAULTS);
    private int clock;

    private static FunctionSpec function(int containerConcurrency, int minScale, int maxScale) {
        return new FunctionSpec("f", containerConcurrency, 100, 128, Set.of(Arch.AMD64), 200, 1, minScale, maxScale);
    }

    /** Feeds one snapshot per second for {@code seconds} seconds of the given concurrency. */
    private void feed(KnativeKpa autoscaler, int seconds, double concurrency) {
        for (int i = 0; i < seconds; i++) {
            clock++;
            autoscaler.record(new MetricSnapshot(
                    "f", now(), Duration.ofSeconds(1), 0, 0, concurrency, 0, List.of()));
        }
    }

    private Instant now() {
        return T0.plusSeconds(clock);
    }

    private ScalingDecision decide(KnativeKpa autoscaler, int ready) {
        return autoscaler.decide(new ReplicaCounts(ready, 0, 0), now());
    }

    @Test
    void targetIsSeventyPercentOfTheConcurrencyLimit() {
        assertThat(KpaConfig.DEFAULTS.targetConcurrency(10)).isEqualTo(7.0);
        assertThat(KpaConfig.DEFAULTS.targetConcurrency(0)).as("unlimited uses the default 100").isEqualTo(70.0);
        assertThat(KpaConfig.DEFAULTS.targetConcurrency(500)).as("a limit above the default target is not capped by it").isEqualTo(350.0);
        assertThat(KpaConfig.DEFAULTS.panicWindow()).isEqualTo(Duration.ofSeconds(6));
    }

    @Test
    void steadyLoadGetsConcurrencyOverTarget() {
        feed(kpa, 60, 14);
        ScalingDecision decision = decide(kpa, 2);
        assertThat(decision.desiredReplicas()).isEqualTo(2);
        assertThat(kpa.isPanicking()).isFalse();
        assertThat(decision.reason()).contains("stable").contains("14.0");
    }

    @Test
    void aWindowThatHasNotFilledYetAveragesOnlyWhatItSaw() {
        feed(kpa, 4, 21);
        assertThat(decide(kpa, 3).desiredReplicas()).isEqualTo(3);
    }

    @Test
    void panicStartsAtTwiceTheReadyCapacityAndNotBelow() {
        feed(kpa, 54, 14);
        feed(kpa, 6, 27.9); // panic window wants ceil(27.9 / 7) = 4 = 200 % of 2 ready
        ScalingDecision decision = decide(kpa, 2);
        assertThat(kpa.isPanicking()).isTrue();
        assertThat(decision.desiredReplicas()).isEqualTo(4);
        assertThat(decision.reason()).startsWith("panic");

        KnativeKpa calm = new KnativeKpa(function(10, 0, 0), KpaConfig.DEFAULTS);
        clock = 0;
        feed(calm, 54, 14);
        feed(calm, 6, 20.9); // wants 3 = 150 % of 2 ready
        decide(calm, 2);
        assertThat(calm.isPanicking()).isFalse();
    }

    @Test
    void neverScalesDownWhilePanickingAndExitsAfterAStableWindowBelowTheThreshold() {
        feed(kpa, 54, 7);
        feed(kpa, 6, 70); // wants 10 of 1 ready
        assertThat(decide(kpa, 1).desiredReplicas()).isEqualTo(10);

        feed(kpa, 2, 0);
        assertThat(decide(kpa, 10).desiredReplicas()).as("keeps the panic maximum").isEqualTo(10);
        for (int s = 0; s < 56; s += 2) {
            feed(kpa, 2, 7);
            assertThat(decide(kpa, 10).desiredReplicas()).isEqualTo(10);
            assertThat(kpa.isPanicking()).isTrue();
        }
        feed(kpa, 8, 7);
        ScalingDecision calm = decide(kpa, 10);
        assertThat(kpa.isPanicking()).isFalse();
        assertThat(calm.desiredReplicas()).as("then at most halves").isEqualTo(5);
    }

    @Test
    void scaleDownIsLimitedToHalfTheReadyPodsPerDecision() {
        feed(kpa, 60, 0);
        assertThat(decide(kpa, 10).desiredReplicas()).isEqualTo(5);
        assertThat(decide(kpa, 5).desiredReplicas()).isEqualTo(2);
        assertThat(decide(kpa, 2).desiredReplicas()).isEqualTo(1);
    }

    @Test
    void scaleUpIsLimitedByTheMaxScaleUpRate() {
        KnativeKpa unlimited = new KnativeKpa(function(1, 0, 0), KpaConfig.DEFAULTS);
        feed(unlimited, 60, 5_000);
        assertThat(decide(unlimited, 1).desiredReplicas()).isEqualTo(1000);
    }

    @Test
    void scalesToZeroOnlyAfterTheStableWindowAndTheGracePeriod() {
        feed(kpa, 10, 3.5);
        assertThat(decide(kpa, 1).desiredReplicas()).isEqualTo(1);
        feed(kpa, 59, 0);
        assertThat(decide(kpa, 1).desiredReplicas()).as("traffic still in the stable window").isEqualTo(1);
        feed(kpa, 1, 0);
        ScalingDecision graceStarts = decide(kpa, 1);
        assertThat(graceStarts.desiredReplicas()).isEqualTo(1);
        assertThat(graceStarts.reason()).contains("grace");
        feed(kpa, 29, 0);
        assertThat(decide(kpa, 1).desiredReplicas()).isEqualTo(1);
        feed(kpa, 1, 0);
        assertThat(decide(kpa, 1).desiredReplicas()).isZero();
    }

    /** Found by an outside probe: the windows of a new revision average two seconds of zeros, and its pod went at 32 s. */
    @Test
    void aNewRevisionsInitialPodStaysTheStableWindowAndTheGracePeriod() {
        assertThat(decide(kpa, 1).desiredReplicas()).as("active from its first ready pod").isEqualTo(1);
        feed(kpa, 2, 0);
        ScalingDecision held = decide(kpa, 1);
        assertThat(held.desiredReplicas()).isEqualTo(1);
        assertThat(held.reason()).contains("once active for 60s").contains("(88s left)");
        feed(kpa, 87, 0);
        assertThat(decide(kpa, 1).desiredReplicas()).isEqualTo(1);
        feed(kpa, 1, 0);
        assertThat(decide(kpa, 1).desiredReplicas()).as("active for 60 s, then inactive for 30 s").isZero();
    }

    @Test
    void aFunctionAtZeroWithoutTrafficStaysAtZero() {
        // created with initial: 0, say: snapshots of no traffic come, and no pod is started for a grace period
        feed(kpa, 10, 0);
        ScalingDecision atZero = decide(kpa, 0);
        assertThat(atZero.desiredReplicas()).isZero();
        assertThat(atZero.reason()).contains("no pod to keep");
        feed(kpa, 1, 2);
        assertThat(decide(kpa, 0).desiredReplicas()).as("its first request").isEqualTo(1);
    }

    @Test
    void trafficDuringTheGracePeriodCancelsScaleToZero() {
        feed(kpa, 10, 3.5);
        feed(kpa, 60, 0);
        assertThat(decide(kpa, 1).desiredReplicas()).isEqualTo(1);
        feed(kpa, 20, 0);
        feed(kpa, 1, 3);
        assertThat(decide(kpa, 1).desiredReplicas()).isEqualTo(1);
        feed(kpa, 60, 0);
        assertThat(decide(kpa, 1).desiredReplicas()).as("the grace period starts again").isEqualTo(1);
    }

    @Test
    void theActivatorsReportOfAWaitingRequestKeepsAPodUntilTheSnapshotThatCoversItReplacesIt() {
        feed(kpa, 10, 3.5);
        decide(kpa, 1); // active from here
        feed(kpa, 60, 0);
        decide(kpa, 1); // the grace period starts
        feed(kpa, 30, 0);
        assertThat(decide(kpa, 1).desiredReplicas()).as("past the stable window and the grace period").isZero();
        kpa.recordActivation(now().plusMillis(300));
        clock++;
        assertThat(decide(kpa, 0).desiredReplicas()).as("the snapshot of this second has not arrived yet").isEqualTo(1);
        feed(kpa, 1, 0.4); // the second that holds the request: replaces the report
        assertThat(decide(kpa, 0).desiredReplicas()).isEqualTo(1);
        KnativeKpa doubled = new KnativeKpa(function(1, 0, 0), KpaConfig.DEFAULTS);
        feed(doubled, 1, 0);
        doubled.recordActivation(now().plusMillis(300));
        feed(doubled, 1, 0.6);
        // cc 1: target 0.7; the panic window averages 0.6 over 2 s = 0.3 → 1 pod; added to the report it would be 0.8 → 2
        assertThat(decide(doubled, 1).desiredReplicas()).isEqualTo(1);
    }

    @Test
    void minAndMaxScaleBoundTheDecision() {
        KnativeKpa bounded = new KnativeKpa(function(10, 2, 4), KpaConfig.DEFAULTS);
        feed(bounded, 60, 0);
        assertThat(decide(bounded, 2).desiredReplicas()).isEqualTo(2);
        feed(bounded, 60, 700);
        assertThat(decide(bounded, 2).desiredReplicas()).isEqualTo(4);
        assertThat(bounded.initialReplicas()).isEqualTo(2);
    }

    @Test
    void withoutMetricsItKeepsWhatItHas() {
        assertThat(decide(kpa, 3).desiredReplicas()).isEqualTo(3);
    }
}
