package dev.muserving.routing.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.muserving.api.Arch;
import dev.muserving.api.FunctionSpec;
import java.time.Instant;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LinUcbRoutingTest {

    private static final Instant NOW = Instant.ofEpochMilli(1_000);

    private static LinUcbRouting routing() {
        FunctionSpec fn = new FunctionSpec("f", 4, 100, 128, Set.of(Arch.AMD64, Arch.ARM64), 100, 1, 0, 0);
        return new LinUcbRouting(fn, BalancerPosition.SINGLE, new SplittableRandom(2));
    }

    @Test
    void learnsToSendMostRequestsToTheFasterArchitecture() {
        LinUcbRouting policy = routing();
        FixedPodSet pods = new FixedPodSet().add(Arch.AMD64, 0).add(Arch.AMD64, 0).add(Arch.ARM64, 0).add(Arch.ARM64, 0);
        SplittableRandom noise = new SplittableRandom(3);
        int amd = 0;
        for (int r = 0; r < 2000; r++) {
            int pod = policy.choose(pods, NOW);
            double latency = (pods.arch(pod) == Arch.AMD64 ? 40 : 120) * Math.exp(0.3 * noise.nextGaussian());
            policy.onResponse(pods, pod, latency, NOW);
            if (r >= 1000 && pods.arch(pod) == Arch.AMD64) {
                amd++;
            }
        }
        assertThat(amd).isGreaterThan(900);
    }

    @Test
    void thePressurePenaltyStartsAtSeventyPercent() {
        assertThat(LinUcbRouting.pressurePenalty(0.5)).isZero();
        assertThat(LinUcbRouting.pressurePenalty(0.7)).isZero();
        assertThat(LinUcbRouting.pressurePenalty(0.85)).isCloseTo(0.25, within(1e-9));
        assertThat(LinUcbRouting.pressurePenalty(1.0)).isCloseTo(1, within(1e-9));
        assertThat(LinUcbRouting.pressurePenalty(3.0)).isEqualTo(1);
    }

    @Test
    void shermanMorrisonKeepsTheInverse() {
        LinUcbRouting.Arm arm = new LinUcbRouting.Arm();
        double[][] a = {{1, 0}, {0, 1}};
        double[][] xs = {{1, 0.2}, {1, 0.9}, {1, 0.5}};
        for (double[] x : xs) {
            arm.learn(x, -1);
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 2; j++) {
                    a[i][j] += x[i] * x[j];
                }
            }
        }
        double det = a[0][0] * a[1][1] - a[0][1] * a[1][0];
        assertThat(arm.inverse[0][0]).isCloseTo(a[1][1] / det, within(1e-12));
        assertThat(arm.inverse[0][1]).isCloseTo(-a[0][1] / det, within(1e-12));
        assertThat(arm.inverse[1][1]).isCloseTo(a[0][0] / det, within(1e-12));
    }

    @Test
    void holdsWhenThereIsNoPodOrNoRoom() {
        assertThat(routing().choose(new FixedPodSet(), NOW)).isEqualTo(RoutingPolicy.HOLD);
        assertThat(routing().choose(FixedPodSet.ofInFlight(6, 6), NOW)).isEqualTo(RoutingPolicy.HOLD);
    }
}
