package dev.muserving.routing.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muserving.api.Arch;
import dev.muserving.api.FunctionSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KnativeActivatorRoutingTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    private static KnativeActivatorRouting routing(int containerConcurrency, BalancerPosition position) {
        FunctionSpec fn = new FunctionSpec("f", containerConcurrency, 100, 128, Set.of(Arch.AMD64), 100, 1, 0, 0);
        return new KnativeActivatorRouting(fn, position, new SplittableRandom(1));
    }

    @Test
    void holdsWhenThereIsNoPod() {
        assertThat(routing(0, BalancerPosition.SINGLE).choose(new FixedPodSet(), NOW)).isEqualTo(RoutingPolicy.HOLD);
        assertThat(routing(5, BalancerPosition.SINGLE).choose(new FixedPodSet(), NOW)).isEqualTo(RoutingPolicy.HOLD);
    }

    @Test
    void unlimitedConcurrencyPicksTheLessLoadedOfTwoRandomPods() {
        KnativeActivatorRouting policy = routing(0, BalancerPosition.SINGLE);
        FixedPodSet two = FixedPodSet.ofInFlight(9, 2);
        for (int i = 0; i < 50; i++) {
            assertThat(policy.choose(two, NOW)).isEqualTo(1);
        }
        // With three pods the busiest can only win when both draws land on it, which they never do.
        FixedPodSet three = FixedPodSet.ofInFlight(1, 50, 3);
        List<Integer> chosen = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            chosen.add(policy.choose(three, NOW));
        }
        assertThat(chosen).doesNotContain(1).contains(0, 2);
        assertThat(chosen.stream().filter(c -> c == 0).count()).isGreaterThan(chosen.stream().filter(c -> c == 2).count());
    }

    @Test
    void smallConcurrencyFillsTheFirstPodWithAFreeSlot() {
        KnativeActivatorRouting policy = routing(2, BalancerPosition.SINGLE);
        FixedPodSet pods = FixedPodSet.ofInFlight(0, 0, 0);
        List<Integer> chosen = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            int pod = policy.choose(pods, NOW);
            chosen.add(pod);
            if (pod != RoutingPolicy.HOLD) {
                pods.send(pod);
            }
        }
        assertThat(chosen).containsExactly(0, 0, 1, 1, 2, 2, RoutingPolicy.HOLD);
    }

    @Test
    void largerConcurrencyGoesRoundRobinSkippingFullPods() {
        KnativeActivatorRouting policy = routing(4, BalancerPosition.SINGLE);
        FixedPodSet pods = FixedPodSet.ofInFlight(0, 4, 0);
        List<Integer> chosen = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            chosen.add(policy.choose(pods, NOW));
        }
        assertThat(chosen).containsExactly(0, 2, 0, 2);
    }

    @Test
    void roundRobinHoldsWhenEveryPodIsFull() {
        assertThat(routing(4, BalancerPosition.SINGLE).choose(FixedPodSet.ofInFlight(4, 4), NOW))
                .isEqualTo(RoutingPolicy.HOLD);
    }

    /** Sends to the policy until it holds; the pods it used, with how many requests each took. */
    private static java.util.Map<Integer, Integer> fill(KnativeActivatorRouting policy, FixedPodSet pods) {
        java.util.Map<Integer, Integer> taken = new java.util.TreeMap<>();
        for (int pod = policy.choose(pods, NOW); pod != RoutingPolicy.HOLD; pod = policy.choose(pods, NOW)) {
            pods.send(pod);
            taken.merge(pod, 1, Integer::sum);
        }
        return taken;
    }

    @Test
    void withEnoughPodsEachActivatorTakesAnEqualRunOfPodsAtFullConcurrency() {
        assertThat(fill(routing(10, new BalancerPosition(1, 2)), FixedPodSet.ofInFlight(0, 0, 0, 0)))
                .containsExactly(java.util.Map.entry(2, 10), java.util.Map.entry(3, 10));
    }

    @Test
    void podsLeftOverAreSharedByEveryActivatorAtAShareOfTheirConcurrency() {
        // 5 pods, 2 activators: runs of 2, pod 4 left over at ceil(10 / 2) = 5 each
        assertThat(fill(routing(10, new BalancerPosition(0, 2)), FixedPodSet.ofInFlight(0, 0, 0, 0, 0)))
                .containsExactly(java.util.Map.entry(0, 10), java.util.Map.entry(1, 10), java.util.Map.entry(4, 5));
        assertThat(fill(routing(10, new BalancerPosition(1, 2)), FixedPodSet.ofInFlight(0, 0, 0, 0, 0)))
                .containsExactly(java.util.Map.entry(2, 10), java.util.Map.entry(3, 10), java.util.Map.entry(4, 5));
    }

    @Test
    void withFewerPodsThanActivatorsEachTakesOnePodAtFullConcurrency() {
        // 2 pods, 3 activators serving (ceil((2 x 10 + 211) / 100) = 3): activator 2 takes pod 2 mod 2 = 0
        assertThat(fill(routing(10, new BalancerPosition(2, 3)), FixedPodSet.ofInFlight(0, 0)))
                .containsExactly(java.util.Map.entry(0, 10));
        // one pod: every activator may fill it
        assertThat(fill(routing(10, new BalancerPosition(0, 3)), FixedPodSet.ofInFlight(2))).containsExactly(java.util.Map.entry(0, 8));
        assertThat(fill(routing(1, new BalancerPosition(2, 3)), FixedPodSet.ofInFlight(0))).containsExactly(java.util.Map.entry(0, 1));
    }

    @Test
    void aRevisionIsServedByTheKpasActivatorCountAtMostTheBalancersThereAre() {
        KnativeActivatorRouting policy = routing(10, new BalancerPosition(0, 5));
        assertThat(policy.balancersServing(0, 5)).as("ceil(211 / 100)").isEqualTo(3);
        assertThat(policy.balancersServing(30, 5)).as("ceil(511 / 100) = 6, capped").isEqualTo(5);
        assertThat(policy.balancersServing(0, 1)).isEqualTo(1);
        assertThat(routing(1, new BalancerPosition(0, 5)).balancersServing(4, 5)).as("at least two").isEqualTo(3);
        assertThat(routing(1, new BalancerPosition(0, 8)).balancersServing(0, 8)).isEqualTo(3);
        assertThat(routing(0, new BalancerPosition(0, 8)).balancersServing(10, 8)).as("unlimited counts 100 slots").isEqualTo(8);
    }

    @Test
    void anActivatorBeyondTheRevisionsCountKeepsEveryPod() {
        // 4 pods at cc 1 want max(2, ceil(215 / 100)) = 3 activators; the fifth is unassigned
        assertThat(fill(routing(1, new BalancerPosition(4, 5)), FixedPodSet.ofInFlight(0, 0, 0, 0))).hasSize(4);
    }
}
