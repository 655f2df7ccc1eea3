package dev.muserving.autoscaler.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.muserving.api.Arch;
import dev.muserving.api.FunctionSpec;
import dev.muserving.api.MetricSnapshot;
import dev.muserving.api.PodMetrics;
import dev.muserving.api.ReplicaCounts;
import dev.muserving.api.ScalingDecision;
import dev.muserving.autoscaler.policy.MuAutoscaler;
import dev.muserving.autoscaler.policy.MuAutoscalerConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ScalingLoopTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final FunctionSpec ECHO = new FunctionSpec("demo/echo", 1, 500, 256, Set.of(Arch.AMD64), 300, 1, 0, 0);

    private final List<String> decided = new ArrayList<>();
    private final ScalingLoop loop = new ScalingLoop(MuAutoscaler.factory(MuAutoscalerConfig.DEFAULTS),
            name -> name.equals(ECHO.name()) ? Optional.of(ECHO) : Optional.empty(),
            name -> new ReplicaCounts(2, 0, 0),
            (function, decision, at) -> decided.add(function + "@" + at.getEpochSecond() + ": " + decision.desiredReplicas()));

    private static MetricSnapshot second(String function, int s, long arrivals) {
        return new MetricSnapshot(function, T0.plusSeconds(s), Duration.ofSeconds(1), arrivals, arrivals, arrivals * 0.05, 0,
                List.of(new PodMetrics("echo-0", Arch.AMD64, 1, 20), new PodMetrics("echo-1", Arch.AMD64, 1, 20)));
    }

    @Test
    void snapshotsFeedTheFunctionsPolicyAndEveryTickDecides() {
        for (int s = 1; s <= 60; s++) {
            loop.record(second(ECHO.name(), s, 100));
        }
        ScalingDecision decision = loop.tick(T0.plusSeconds(60)).get(ECHO.name());
        // 100 rps at 20/s per single-slot pod, p99 aimed at the 300 ms SLO: MuAutoscaler's 7 pods.
        assertThat(decision.desiredReplicas()).isEqualTo(7);
        assertThat(decision.reason()).contains("predicted 100.0 rps");
        assertThat(decided).containsExactly("demo/echo@" + T0.plusSeconds(60).getEpochSecond() + ": 7");
        assertThat(loop.lastDecision(ECHO.name())).contains(decision);
        assertThat(loop.snapshotsRecorded()).isEqualTo(60);
    }

    @Test
    void snapshotsOfFunctionsNobodyKnowsAreCountedAndDropped() {
        loop.record(second("demo/ghost", 1, 10));
        assertThat(loop.snapshotsOfUnknownFunctions()).isEqualTo(1);
        assertThat(loop.tick(T0.plusSeconds(2))).isEmpty();
    }

    @Test
    void aWaitingRequestGetsAPodAtOnceEvenWhenThePolicyWouldScaleToZero() {
        for (int s = 1; s <= 120; s++) {
            loop.record(second(ECHO.name(), s, 0)); // idle long enough for scale to zero
        }
        assertThat(loop.tick(T0.plusSeconds(120)).get(ECHO.name()).desiredReplicas()).isZero();
        ScalingDecision poked = loop.demand(ECHO.name(), T0.plusSeconds(121)).orElseThrow();
        assertThat(poked.desiredReplicas()).isEqualTo(1);
        assertThat(loop.demand("demo/ghost", T0)).isEmpty();
        // the request was reported to the policy: the next tick, before any snapshot shows it, keeps the pod
        assertThat(loop.tick(T0.plusSeconds(122)).get(ECHO.name()).desiredReplicas()).isEqualTo(1);
    }

    @Test
    void theLatestSnapshotGivesEachArchitecturesServiceRateAndANewFunctionItsInitialReplicas() {
        assertThat(loop.serviceRates(ECHO.name())).isEmpty();
        loop.record(new MetricSnapshot(ECHO.name(), T0, Duration.ofSeconds(1), 10, 10, 0.5, 0, List.of(
                new PodMetrics("a", Arch.AMD64, 1, 20), new PodMetrics("b", Arch.AMD64, 1, 30),
                new PodMetrics("c", Arch.ARM64, 1, 12), new PodMetrics("d", Arch.ARM64, 0, 0))));
        assertThat(loop.serviceRates(ECHO.name())).containsExactly(entry(Arch.AMD64, 25.0), entry(Arch.ARM64, 12.0));
        loop.record(second(ECHO.name(), 1, 10));
        assertThat(loop.serviceRates(ECHO.name())).as("the latest snapshot only").containsExactly(entry(Arch.AMD64, 20.0));
        loop.forget(ECHO.name());
        assertThat(loop.serviceRates(ECHO.name())).isEmpty();

        assertThat(loop.initialReplicas(ECHO.name())).isEqualTo(1);
        assertThat(loop.initialReplicas("demo/unknown")).isZero();
    }
}
