package dev.muserving.routing.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.muserving.api.Arch;
import dev.muserving.api.FunctionSpec;
import java.time.Instant;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MuRoutingTest {

    private static final Instant NOW = Instant.ofEpochMilli(100_000);

    private static MuRouting routing(int containerConcurrency) {
        FunctionSpec fn = new FunctionSpec("f", containerConcurrency, 100, 128, Set.of(Arch.AMD64, Arch.ARM64), 100, 1, 0, 0);
        return new MuRouting(fn, BalancerPosition.SINGLE, new SplittableRandom(1));
    }

    /** pod 0: amd64 at 20 requests/s; pod 1: arm64 at 8 requests/s; 4 slots each. */
    private static FixedPodSet amdAndArm(int amdInFlight, int armInFlight) {
        return new FixedPodSet().add(Arch.AMD64, amdInFlight).add(Arch.ARM64, armInFlight)
                .report(0, amdInFlight, 20, NOW.toEpochMilli())
                .report(1, armInFlight, 8, NOW.toEpochMilli());
    }

    /**
     * Found by an outside probe: every balancer took the first of equally good pods, so two balancers
     * sent their requests to the same idle pod while others idled (a 300 ms function with 8 pods
     * for 3 requests at a time had a p50 of 400 ms). Each balancer now starts its scan at its own
     * share of the pods.
     */
    @Test
    void balancersPreferDifferentPodsAmongEquallyGoodOnes() {
        FunctionSpec fn = new FunctionSpec("f", 1, 300, 128, Set.of(Arch.AMD64), 200, 1, 0, 0);
        FixedPodSet pods = new FixedPodSet();
        for (int i = 0; i < 8; i++) {
            pods.add(Arch.AMD64, 0).report(i, 0, 10 / 3.0, NOW.toEpochMilli());
        }
        MuRouting first = new MuRouting(fn, new BalancerPosition(0, 2), new SplittableRandom(1));
        MuRouting second = new MuRouting(fn, new BalancerPosition(1, 2), new SplittableRandom(1));
        assertThat(first.choose(pods, NOW)).isZero();
        assertThat(second.choose(pods, NOW)).isEqualTo(4);
    }

    /**
     * Measured rates differ by noise: balancers that all chased the pod measured fastest sent to the
     * same one while others idled (a 300 ms function with 8 pods: p99 736 ms against Knative's 481).
     * Pods of the best one's architecture within a fifth of its expected time count as equally good.
     */
    @Test
    void podsOfTheBestArchitectureNearItsTimeCountAsEquallyGood() {
        FunctionSpec fn = new FunctionSpec("f", 1, 300, 128, Set.of(Arch.AMD64, Arch.ARM64), 200, 1, 0, 0);
        FixedPodSet pods = new FixedPodSet();
        double[] rates = {3.0, 3.5, 3.2, 3.1};
        for (int i = 0; i < rates.length; i++) {
            pods.add(Arch.AMD64, 0).report(i, 0, rates[i], NOW.toEpochMilli());
        }
        pods.add(Arch.ARM64, 0).report(4, 0, 3.4, NOW.toEpochMilli()); // near the best too, but of another architecture
        assertThat(new MuRouting(fn, new BalancerPosition(0, 2), new SplittableRandom(1)).choose(pods, NOW)).isZero();
        assertThat(new MuRouting(fn, new BalancerPosition(1, 2), new SplittableRandom(1)).choose(pods, NOW)).isEqualTo(2);
        FixedPodSet armOnlyNear = new FixedPodSet().add(Arch.ARM64, 0).report(0, 0, 3.4, NOW.toEpochMilli())
                .add(Arch.AMD64, 0).report(1, 0, 3.5, NOW.toEpochMilli());
        assertThat(routing(1).choose(armOnlyNear, NOW)).as("the best pod's architecture, not the first scanned").isEqualTo(1);
    }

    @Test
    void prefersTheFasterArchitectureWhenBothAreIdle() {
        assertThat(routing(4).choose(amdAndArm(0, 0), NOW)).isZero();
    }

    @Test
    void aSlowEmptyArmPodLosesToAFastBusyX86PodUntilTheQueueOutweighsTheSpeed() {
        MuRouting policy = routing(4);
        // amd64 with 4 running: (4 + 1) / 20 = 0.25 s; idle arm64: 4 / 8 = 0.5 s
        assertThat(policy.choose(amdAndArm(4, 0), NOW)).isZero();
        // amd64 with 5 in the pod: (4 + 2) / 20 = 0.30 s, still better
        assertThat(policy.choose(amdAndArm(5, 0), NOW)).isZero();
        // hold threshold is 6 for 4 slots; with 5 on amd64 and arm64 busy too, amd64 still wins
        assertThat(policy.choose(amdAndArm(5, 4), NOW)).isZero();
        // amd64's queue is full (6 >= 4 + 4 / 2): it is passed over for arm64 with room
        assertThat(policy.choose(amdAndArm(6, 2), NOW)).isEqualTo(1);
    }

    @Test
    void expectedCompletionTimeIsOneServiceTimePlusTheQueueBeyondTheSlotsDrainedAtTheRate() {
        // 4 slots at 20 requests/s: one service time is 4 / 20 = 0.2 s
        assertThat(MuRouting.expectedCompletionSeconds(0, 4, 20)).isCloseTo(0.2, within(1e-12));
        assertThat(MuRouting.expectedCompletionSeconds(3, 4, 20)).as("a free slot left: no wait").isCloseTo(0.2, within(1e-12));
        // 10 in the pod: 7 of them (10 + 1 - 4) ahead beyond the slots, 7 / 20 = 0.35 s more
        assertThat(MuRouting.expectedCompletionSeconds(10, 4, 20)).isCloseTo(0.55, within(1e-12));
        // one slot at 8 requests/s: every request ahead costs a full service time
        assertThat(MuRouting.expectedCompletionSeconds(2, 1, 8)).isCloseTo(3 / 8.0, within(1e-12));
        // and the queue it is applied to is the pod's own count when its report is fresh
        FixedPodSet pods = new FixedPodSet().add(Arch.AMD64, 10).report(0, 10, 20, NOW.toEpochMilli());
        assertThat(MuRouting.estimatedQueue(pods, 0, 20, NOW.toEpochMilli())).isEqualTo(10);
    }

    @Test
    void otherBalancersRequestsAgeOutAtTheServiceRate() {
        // The pod reported 12 in it, 2 of them ours, 1.5 s ago; at 4 requests/s the other 10 are down to 4.
        FixedPodSet pods = new FixedPodSet().add(Arch.AMD64, 2).report(0, 12, 4, NOW.toEpochMilli() - 1500);
        assertThat(MuRouting.estimatedQueue(pods, 0, 4, NOW.toEpochMilli())).isCloseTo(2 + 4, within(1e-9));
        FixedPodSet old = new FixedPodSet().add(Arch.AMD64, 2).report(0, 12, 4, NOW.toEpochMilli() - 10_000);
        assertThat(MuRouting.estimatedQueue(old, 0, 4, NOW.toEpochMilli())).as("only ours are left").isEqualTo(2);
    }

    @Test
    void otherBalancersLoadSteersTheChoice() {
        // Same speed; pod 0 looks empty to us but reported 8 requests from elsewhere just now.
        FixedPodSet pods = new FixedPodSet().add(Arch.AMD64, 0).add(Arch.AMD64, 1)
                .report(0, 8, 10, NOW.toEpochMilli())
                .report(1, 1, 10, NOW.toEpochMilli());
        assertThat(routing(4).choose(pods, NOW)).isEqualTo(1);
    }

    @Test
    void holdsWhenEveryPodHasAFullQueue() {
        assertThat(routing(4).choose(amdAndArm(6, 6), NOW)).isEqualTo(RoutingPolicy.HOLD);
        assertThat(routing(4).choose(new FixedPodSet(), NOW)).isEqualTo(RoutingPolicy.HOLD);
    }

    @Test
    void podsWithoutAReportUseTheRateSeenForTheirArchitecture() {
        MuRouting policy = routing(4);
        FixedPodSet seen = amdAndArm(0, 0);
        policy.onResponse(seen, 0, 50, NOW);
        policy.onResponse(seen, 1, 125, NOW);
        // a new arm64 pod (no report) and a new amd64 pod (no report): amd64 is known to be faster
        FixedPodSet fresh = new FixedPodSet().add(Arch.ARM64, 0).add(Arch.AMD64, 0);
        assertThat(policy.choose(fresh, NOW)).isEqualTo(1);
    }

    @Test
    void largePodSetsAreSampledAndStillAvoidBusyPods() {
        MuRouting policy = routing(4);
        FixedPodSet pods = new FixedPodSet();
        for (int i = 0; i < 200; i++) {
            pods.add(Arch.AMD64, i % 10 == 0 ? 0 : 5);
            pods.report(i, i % 10 == 0 ? 0 : 5, 10, NOW.toEpochMilli());
        }
        int idlePicks = 0;
        for (int r = 0; r < 1000; r++) {
            int pod = policy.choose(pods, NOW);
            if (pod % 10 == 0) {
                idlePicks++;
            }
        }
        // 4 random samples plus the last choice: an idle pod is among them far more often than 1 in 10.
        assertThat(idlePicks).isGreaterThan(300);
    }
}
