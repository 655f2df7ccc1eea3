package dev.muserving.autoscaler.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muserving.api.Arch;
import dev.muserving.api.FunctionSpec;
import dev.muserving.api.MetricSnapshot;
import dev.muserving.api.PodMetrics;
import dev.muserving.api.ReplicaCounts;
import dev.muserving.api.ScalingDecision;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MuAutoscalerTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /**
     * Fixed settings for hand-computed cases, independent of how the defaults are tuned: the model's
     * p99 aimed at 80 % of the SLO, utilisation at most 85 %, a 30 s scale-down delay.
     */
    private static final MuAutoscalerConfig CONFIG = new MuAutoscalerConfig(
            Duration.ofSeconds(5), 0.99, 0.8, 3.0, 0.85, Duration.ofSeconds(30),
            0.3, 0.1, 0.9, 0.5, 10, 0.5, MuAutoscalerConfig.BurstRoom.NONE);
    private int clock;

    private static FunctionSpec function(int cc, double sloMs, int minScale) {
        return new FunctionSpec("f", cc, 500, 256, Set.of(Arch.AMD64, Arch.ARM64), sloMs, 1, minScale, 0);
    }

    private Instant now() {
        return T0.plusSeconds(clock);
    }

    private void feed(MuAutoscaler autoscaler, int seconds, long arrivalsPerSecond, List<PodMetrics> pods, int buffered) {
        for (int i = 0; i < seconds; i++) {
            clock++;
            autoscaler.record(new MetricSnapshot("f", now(), Duration.ofSeconds(1), arrivalsPerSecond, arrivalsPerSecond,
                    arrivalsPerSecond * 0.05, buffered, pods));
        }
    }

    private ScalingDecision decide(MuAutoscaler autoscaler) {
        return autoscaler.decide(new ReplicaCounts(3, 0, 0), now());
    }

    private static List<PodMetrics> pods(double amdRate, double armRate) {
        return List.of(new PodMetrics("a", Arch.AMD64, 1, amdRate), new PodMetrics("b", Arch.ARM64, 1, armRate));
    }

    @Test
    void sizesWithErlangCSoThePredictedP99MeetsTheSlo() {
        // 100 rps, one request per pod at 20/s (50 ms): tail 150 ms, wait budget 0.8 x 300 - 150 = 90 ms;
        // 6 pods wait 204 ms at p99, 7 pods 87 ms.
        MuAutoscaler autoscaler = new MuAutoscaler(function(1, 300, 0), CONFIG);
        feed(autoscaler, 120, 100, pods(20, 8), 0);
        ScalingDecision decision = decide(autoscaler);
        assertThat(decision.desiredReplicas()).isEqualTo(7);
        assertThat(decision.reason())
                .contains("predicted 100.0 rps", "μ 20.0/s per amd64 pod (1 slots)", "p99 model 237 ms ≤ 300 ms", "→ 7");
    }

    @Test
    void aRampIsForecastOverTheMeasuredStartUpOnceAPodWasSeenStarting() {
        // a rate rising by 10 rps a second: the forecast runs as far ahead as pods take to be ready
        MuAutoscaler fastStarts = new MuAutoscaler(function(1, 300, 0), CONFIG);
        MuAutoscaler slowStarts = new MuAutoscaler(function(1, 300, 0), CONFIG);
        MuAutoscaler unmeasured = new MuAutoscaler(function(1, 300, 0), CONFIG);
        for (int second = 0; second < 30; second++) {
            for (MuAutoscaler a : List.of(fastStarts, slowStarts, unmeasured)) {
                a.record(new MetricSnapshot("f", T0.plusSeconds(second + 1), Duration.ofSeconds(1), 100 + 10L * second,
                        100 + 10L * second, 5, 0, pods(20, 8)));
            }
        }
        Instant now = T0.plusSeconds(30);
        ScalingDecision fast = fastStarts.decide(new ReplicaCounts(3, 0, 0, Duration.ofSeconds(1)), now);
        ScalingDecision slow = slowStarts.decide(new ReplicaCounts(3, 0, 0, Duration.ofSeconds(12)), now);
        ScalingDecision before = unmeasured.decide(new ReplicaCounts(3, 0, 0), now);
        assertThat(fast.reason()).contains("in 1.0 s");
        assertThat(slow.reason()).contains("in 12.0 s");
        assertThat(before.reason()).contains("in 5.0 s"); // the configured horizon
        assertThat(fast.desiredReplicas()).isLessThan(before.desiredReplicas());
        assertThat(slow.desiredReplicas()).isGreaterThan(before.desiredReplicas());
        // the measure is kept while no ready pod was seen starting (e.g. all of them gone)
        assertThat(fastStarts.decide(new ReplicaCounts(0, 2, 0), now.plusSeconds(2)).reason()).contains("in 1.0 s");
    }

    @Test
    void moreSlotsPerPodNeedFewerPods() {
        // 100 rps, 4 slots at 10/s each (pod rate 40): utilisation cap gives 3 pods, which wait 190 ms
        // at p99 within the 0.8 x 1000 - 300 = 500 ms budget.
        MuAutoscaler autoscaler = new MuAutoscaler(function(4, 1000, 0), CONFIG);
        feed(autoscaler, 120, 100, pods(40, 20), 0);
        assertThat(decide(autoscaler).desiredReplicas()).isEqualTo(3);
    }

    @Test
    void sizesInPodsOfTheFastestMeasuredArchitecture() {
        MuAutoscaler armOnly = new MuAutoscaler(function(1, 300, 0), CONFIG);
        feed(armOnly, 120, 100, List.of(new PodMetrics("b", Arch.ARM64, 1, 20)), 0);
        assertThat(decide(armOnly).desiredReplicas()).isEqualTo(7);
        MuAutoscaler both = new MuAutoscaler(function(1, 300, 0), CONFIG);
        feed(both, 120, 100, pods(40, 20), 0);
        ScalingDecision decision = decide(both);
        assertThat(decision.desiredReplicas()).isLessThan(7);
        assertThat(decision.reason()).contains("per amd64 pod");
    }

    @Test
    void aBurstIsFollowedAtOnceAndLeftOnlyAfterTheScaleDownDelay() {
        MuAutoscaler autoscaler = new MuAutoscaler(function(1, 300, 0), CONFIG);
        feed(autoscaler, 60, 20, pods(20, 8), 0);
        int calm = decide(autoscaler).desiredReplicas();
        feed(autoscaler, 2, 100, pods(20, 8), 0);
        int burst = decide(autoscaler).desiredReplicas();
        assertThat(burst).as("the surge path reacts within one tick").isGreaterThanOrEqualTo(6).isGreaterThan(calm);
        feed(autoscaler, 20, 20, pods(20, 8), 0);
        ScalingDecision held = decide(autoscaler);
        assertThat(held.desiredReplicas()).isEqualTo(burst);
        assertThat(held.reason()).contains("scale-down delay");
        feed(autoscaler, 40, 20, pods(20, 8), 0);
        assertThat(decide(autoscaler).desiredReplicas()).isEqualTo(calm);
    }

    @Test
    void bufferedRequestsAddTheRateThatDrainsThemWithinTheSlo() {
        // 40 rps; 400 held: drained over 10 s that is 40 rps more, capped at half the arrival rate (20)
        MuAutoscaler quiet = new MuAutoscaler(function(1, 1000, 0), CONFIG);
        feed(quiet, 60, 40, pods(20, 8), 0);
        int withoutBacklog = decide(quiet).desiredReplicas();
        MuAutoscaler backlog = new MuAutoscaler(function(1, 1000, 0), CONFIG);
        feed(backlog, 60, 40, pods(20, 8), 400);
        ScalingDecision decision = decide(backlog);
        assertThat(decision.desiredReplicas()).isGreaterThan(withoutBacklog);
        assertThat(decision.reason()).contains("predicted 60.0 rps", "draining 400 buffered");
    }

    @Test
    void scalesToZeroOnlyAfterTheIdleTime() {
        FunctionSpec spec = function(4, 300, 0);
        int idle = (int) spec.scaleToZeroAfter().toSeconds();
        MuAutoscaler autoscaler = new MuAutoscaler(spec, CONFIG);
        feed(autoscaler, 30, 5, pods(40, 20), 0);
        feed(autoscaler, idle - 1, 0, pods(40, 20), 0);
        assertThat(decide(autoscaler).desiredReplicas()).isEqualTo(1);
        feed(autoscaler, 1, 0, pods(40, 20), 0);
        ScalingDecision zero = decide(autoscaler);
        assertThat(zero.desiredReplicas()).isZero();
        assertThat(zero.reason()).isEqualTo("no request for " + idle + "s → 0");
    }

    @Test
    void aFunctionWithRequestsInProgressIsNotIdleThoughNoneArriveForLongerThanTheIdleTime() {
        // requests of 100 s, one per pod: 20 of them in progress, then no new ones for twice the idle time
        FunctionSpec spec = function(1, 400_000, 0);
        int idle = (int) spec.scaleToZeroAfter().toSeconds();
        MuAutoscaler autoscaler = new MuAutoscaler(spec, CONFIG);
        List<PodMetrics> slow = List.of(new PodMetrics("a", Arch.AMD64, 1, 0.01));
        for (int i = 0; i < 20; i++) {
            clock++;
            autoscaler.record(new MetricSnapshot("f", now(), Duration.ofSeconds(1), 1, 0, i + 1, 0, slow));
        }
        for (int i = 0; i < 2 * idle; i++) {
            clock++;
            autoscaler.record(new MetricSnapshot("f", now(), Duration.ofSeconds(1), 0, 0, 20, 0, slow));
        }
        assertThat(decide(autoscaler).desiredReplicas()).isPositive();

        // every request answered: the idle time counts from the last second one was in progress
        feed(autoscaler, idle - 1, 0, slow, 0);
        assertThat(decide(autoscaler).desiredReplicas()).isPositive();
        feed(autoscaler, 1, 0, slow, 0);
        assertThat(decide(autoscaler).reason()).isEqualTo("no request for " + idle + "s → 0");
    }

    @Test
    void theFunctionsOwnScaleToZeroDelayAndInitialScaleApply() {
        FunctionSpec quick = new FunctionSpec("f", 4, 500, 256, Set.of(Arch.AMD64), 300, 1, 0, 0, 3, Duration.ofSeconds(20));
        MuAutoscaler autoscaler = new MuAutoscaler(quick, CONFIG);
        assertThat(autoscaler.initialReplicas()).isEqualTo(3);
        feed(autoscaler, 30, 5, pods(40, 20), 0);
        feed(autoscaler, 19, 0, pods(40, 20), 0);
        assertThat(decide(autoscaler).desiredReplicas()).isEqualTo(1);
        feed(autoscaler, 1, 0, pods(40, 20), 0);
        assertThat(decide(autoscaler).reason()).isEqualTo("no request for 20s → 0");
    }

    @Test
    void minScaleKeepsPodsThroughIdleness() {
        MuAutoscaler autoscaler = new MuAutoscaler(function(4, 300, 2), CONFIG);
        feed(autoscaler, 200, 0, pods(40, 20), 0);
        assertThat(decide(autoscaler).desiredReplicas()).isEqualTo(2);
        assertThat(autoscaler.initialReplicas()).isEqualTo(2);
    }

    @Test
    void burstRoomRaisesDesiredButNotTheKeepUpShare() {
        MuAutoscaler plain = new MuAutoscaler(function(1, 300, 0), CONFIG);
        // One-second spans without a noise discount, so the room is exactly half the burst's rate.
        MuAutoscaler bursty = new MuAutoscaler(function(1, 300, 0), CONFIG.withBurstRoom(
                new MuAutoscalerConfig.BurstRoom(Duration.ofSeconds(120), Duration.ofSeconds(1), 0, 0.5)));
        for (MuAutoscaler autoscaler : List.of(plain, bursty)) {
            clock = 0;
            feed(autoscaler, 10, 200, pods(20, 8), 0); // a burst of 200 rps
            feed(autoscaler, 90, 20, pods(20, 8), 0);  // then 20 rps for a minute and a half
        }
        clock = 100;
        ScalingDecision calm = decide(plain);
        ScalingDecision ready = decide(bursty);
        // 0.5 x 200 = 100 rps of room: the Erlang-C case above, 7 pods; 20 rps needs 2
        assertThat(ready.desiredReplicas()).isEqualTo(7).isGreaterThan(calm.desiredReplicas());
        assertThat(ready.requiredReplicas()).isEqualTo(calm.requiredReplicas()).isEqualTo(2);
        assertThat(ready.reason()).contains("burst room 100.0");
        feed(bursty, 45, 20, pods(20, 8), 0); // the burst leaves the 120 s memory and the 30 s delay passes
        assertThat(decide(bursty).desiredReplicas()).isEqualTo(calm.desiredReplicas());
    }

    @Test
    void theKeepUpShareClaimsPodsBeyondThoseHeldOnlyForRequestsPresent() {
        // A slow function (one slot, 10 s a request) that saw two arrivals in one second: the rate
        // forecast asks several pods, but two requests fill only the two pods it holds. Another
        // function's running pod is not worth stopping for the forecast (family4-067: such a function
        // preempted an ML pod that could run nowhere else, docs/policies.md).
        List<PodMetrics> slow = List.of(new PodMetrics("a", Arch.AMD64, 1, 0.1));
        MuAutoscaler spike = new MuAutoscaler(function(1, 60_000, 0), CONFIG);
        MuAutoscaler backlog = new MuAutoscaler(function(1, 60_000, 0), CONFIG);
        for (int second = 1; second <= 30; second++) {
            long arrivals = second == 30 ? 2 : 0;
            spike.record(new MetricSnapshot("f", T0.plusSeconds(second), Duration.ofSeconds(1), arrivals, 0,
                    second == 30 ? 2 : 0, 0, slow));
            backlog.record(new MetricSnapshot("f", T0.plusSeconds(second), Duration.ofSeconds(1), arrivals, 0,
                    second == 30 ? 2 : 0, second == 30 ? 4 : 0, slow));
        }
        ReplicaCounts twoHeld = new ReplicaCounts(2, 0, 0);
        ScalingDecision forecastOnly = spike.decide(twoHeld, T0.plusSeconds(30));
        assertThat(forecastOnly.desiredReplicas()).as("the forecast still sizes desired").isGreaterThan(2);
        assertThat(forecastOnly.requiredReplicas()).isEqualTo(2);
        assertThat(forecastOnly.reason()).containsPattern("\\(2 to keep up, \\d+ forecast: 2 requests present\\)$");
        // four more waiting in the balancers: six requests fill six pods, and the share claims them
        ScalingDecision waiting = backlog.decide(twoHeld, T0.plusSeconds(30));
        assertThat(waiting.requiredReplicas()).isEqualTo(Math.min(6, waiting.desiredReplicas())).isGreaterThan(2);
    }

    @Test
    void aRequestWaitingForAFirstPodIsPresentBeforeAnySnapshotCountsIt() {
        // scale from zero: the balancer reports the waiting request at once, its snapshot a second later
        MuAutoscaler autoscaler = new MuAutoscaler(function(1, 1000, 0), CONFIG);
        autoscaler.record(new MetricSnapshot("f", T0.plusSeconds(1), Duration.ofSeconds(1), 0, 0, 0, 0, List.of()));
        autoscaler.recordActivation(T0.plusMillis(1_300));
        ScalingDecision first = autoscaler.decide(ReplicaCounts.NONE, T0.plusMillis(1_300));
        assertThat(first.desiredReplicas()).isEqualTo(1);
        assertThat(first.requiredReplicas()).as("claims its pod at once, under contention too").isEqualTo(1);
    }

    @Test
    void theDefaultsAreTheDocumentedOnes() {
        MuAutoscalerConfig d = MuAutoscalerConfig.DEFAULTS;
        assertThat(d.sloHeadroom()).isEqualTo(1.0);
        assertThat(d.maxUtilization()).isEqualTo(0.9);
        assertThat(d.scaleDownDelay()).isEqualTo(Duration.ofSeconds(60));
        assertThat(d.surgeSmoothing()).isEqualTo(0.2);
        assertThat(d.startupHorizon()).isEqualTo(Duration.ofSeconds(5));
        assertThat(d.burstRoom().share()).isZero();
        assertThat(MuAutoscalerConfig.BURST_AWARE.burstRoom()).isEqualTo(
                new MuAutoscalerConfig.BurstRoom(Duration.ofMinutes(5), Duration.ofSeconds(5), 2, 0.7));
    }

    @Test
    void withoutAMeasuredRateItSizesOnConcurrency() {
        MuAutoscaler autoscaler = new MuAutoscaler(function(2, 300, 0), CONFIG);
        feed(autoscaler, 10, 100, List.of(), 0); // concurrency 5 (100 x 0.05), target 2 x 0.7
        ScalingDecision decision = decide(autoscaler);
        assertThat(decision.desiredReplicas()).isEqualTo(4);
        assertThat(decision.reason()).startsWith("no service rate measured yet");
    }

    @Test
    void anUnreachableSloStillGetsBoundedPods() {
        // Service alone (3 x 500 ms tail) exceeds the 1 s SLO: size for short waits instead.
        MuAutoscaler autoscaler = new MuAutoscaler(function(1, 1000, 0), CONFIG);
        feed(autoscaler, 60, 10, pods(2, 1), 0);
        ScalingDecision decision = decide(autoscaler);
        assertThat(decision.desiredReplicas()).isBetween(6, 12);
        assertThat(decision.reason()).contains("SLO out of reach");
    }

    @Test
    void theInitialScaleIsHeldUntilTheFunctionHasGoneUnusedForScaleToZeroAfter() {
        FunctionSpec initialThree = new FunctionSpec("f", 1, 500, 256, Set.of(Arch.AMD64), 300, 1, 0, 0, 3, Duration.ofSeconds(30));
        MuAutoscaler autoscaler = new MuAutoscaler(initialThree, CONFIG);
        ScalingDecision first = decide(autoscaler);
        assertThat(first.desiredReplicas()).isEqualTo(3);
        assertThat(first.requiredReplicas()).isZero(); // placement may give the room to functions in use
        assertThat(first.reason()).isEqualTo("no request yet: initial 3 held until 30s without one (then min 0)");
        feed(autoscaler, 29, 0, List.of(), 0);
        assertThat(decide(autoscaler).desiredReplicas()).isEqualTo(3);
        feed(autoscaler, 1, 0, List.of(), 0);
        assertThat(decide(autoscaler).desiredReplicas()).isZero();

        // with min 1 and initial 1 nothing is held that will go: the reason says only the minimum
        FunctionSpec minOne = new FunctionSpec("g", 1, 500, 256, Set.of(Arch.AMD64), 300, 1, 1, 0, 1, Duration.ofSeconds(30));
        assertThat(decide(new MuAutoscaler(minOne, CONFIG)).reason()).isEqualTo("no request yet: min 1");
    }

    @Test
    void aFirstRequestEndsTheHoldAndTheFunctionIsSizedByItsTraffic() {
        FunctionSpec initialThree = new FunctionSpec("f", 1, 500, 256, Set.of(Arch.AMD64), 300, 1, 0, 0, 3, Duration.ofSeconds(30));
        MuAutoscaler autoscaler = new MuAutoscaler(initialThree, CONFIG);
        decide(autoscaler);
        feed(autoscaler, 10, 1, pods(20, 8), 0);
        assertThat(decide(autoscaler).reason()).startsWith("predicted");
    }
}
