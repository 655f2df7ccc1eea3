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

    @Test
    void withEnoughPodsEachActivatorUsesOnlyItsSubset() {
        KnativeActivatorRouting second = routing(10, new BalancerPosition(1, 2));
        FixedPodSet pods = FixedPodSet.ofInFlight(0, 0, 0, 0);
        for (int i = 0; i < 20; i++) {
            int pod = second.choose(pods, NOW);
            assertThat(pod % 2).isEqualTo(1);
            pods.send(pod);
        }
        assertThat(second.choose(pods, NOW)).isEqualTo(RoutingPolicy.HOLD);
    }

    @Test
    void withFewerPodsThanActivatorsTheCapacityIsShared() {
        KnativeActivatorRouting first = routing(10, new BalancerPosition(0, 3));
        FixedPodSet onePod = FixedPodSet.ofInFlight(2);
        assertThat(first.choose(onePod, NOW)).isZero();
        onePod.send(0);
        assertThat(first.choose(onePod, NOW)).as("10 slots / 3 activators = 3 each").isEqualTo(RoutingPolicy.HOLD);

        KnativeActivatorRouting single = routing(1, new BalancerPosition(2, 3));
        assertThat(single.choose(FixedPodSet.ofInFlight(0), NOW)).as("at least one slot each").isZero();
    }
}
