package dev.muserving.routing.policy;

import dev.muserving.api.Arch;
import dev.muserving.api.FunctionSpec;
import java.time.Instant;
import java.util.random.RandomGenerator;

/**
 * Serverledge-style contextual bandit (LinUCB, disjoint arms) that picks the architecture of each
 * request, then the least-loaded pod of that architecture (random choice of two).
 *
 * <p>Context of an arm: {@code [1, load]}, where load is this balancer's in-flight requests per slot
 * on that architecture's pods. Reward: {@code -ln(latency ms) - lambda * pressurePenalty(load)}, the
 * penalty growing from 0 at 70 % to 1 at 100 % as Serverledge's memory penalty does; a pod's memory
 * use is not visible to a balancer, so its load stands in for memory pressure. Choice: the arm with
 * the highest {@code theta . x + alpha * sqrt(x' A^-1 x)}, with A^-1 kept by Sherman-Morrison updates.
 * Requests wait in the balancer when every pod holds a full queue, as with {@link MuRouting}.
 */
public final class LinUcbRouting implements RoutingPolicy {

    static final double ALPHA = 0.5;
    static final double LAMBDA = 1.0;
    private static final int D = 2;

    private final PodSlots slots;
    private final RandomGenerator random;
    private final Arm[] arms = new Arm[Arch.values().length];
    private final int[] podsOf = new int[Arch.values().length];
    private final int[] inFlightOf = new int[Arch.values().length];

    public LinUcbRouting(FunctionSpec function, BalancerPosition position, RandomGenerator random) {
        this.slots = PodSlots.of(function);
        this.random = random;
        for (int a = 0; a < arms.length; a++) {
            arms[a] = new Arm();
        }
    }

    @Override
    public int choose(PodSet pods, Instant now) {
        if (pods.size() == 0) {
            return HOLD;
        }
        countLoad(pods);
        int bestArch = -1;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int a = 0; a < arms.length; a++) {
            if (podsOf[a] == 0) {
                continue;
            }
            double score = arms[a].upperBound(context(a));
            if (score > bestScore) {
                bestScore = score;
                bestArch = a;
            }
        }
        int pod = leastLoadedOfTwo(pods, Arch.values()[bestArch]);
        return pods.inFlight(pod) >= slots.holdAt() ? HOLD : pod;
    }

    @Override
    public void onResponse(PodSet pods, int pod, double latencyMs, Instant now) {
        countLoad(pods);
        int a = pods.arch(pod).ordinal();
        double[] x = context(a);
        double reward = -Math.log(Math.max(0.001, latencyMs)) - LAMBDA * pressurePenalty(x[1]);
        arms[a].learn(x, reward);
    }

    /** 0 up to 70 % load, rising quadratically to 1 at full load. */
    static double pressurePenalty(double load) {
        if (load <= 0.7) {
            return 0;
        }
        double over = Math.min(1, (load - 0.7) / 0.3);
        return over * over;
    }

    private double[] context(int arch) {
        double load = podsOf[arch] == 0 ? 0 : inFlightOf[arch] / (double) (podsOf[arch] * slots.slots());
        return new double[] {1, load};
    }

    private void countLoad(PodSet pods) {
        java.util.Arrays.fill(podsOf, 0);
        java.util.Arrays.fill(inFlightOf, 0);
        for (int i = 0; i < pods.size(); i++) {
            int a = pods.arch(i).ordinal();
            podsOf[a]++;
            inFlightOf[a] += pods.inFlight(i);
        }
    }

    private int leastLoadedOfTwo(PodSet pods, Arch arch) {
        int first = -1;
        int second = -1;
        int seen = 0;
        for (int i = 0; i < pods.size(); i++) {
            if (pods.arch(i) != arch) {
                continue;
            }
            seen++;
            // Reservoir-sample two distinct pods of this architecture.
            if (first < 0) {
                first = i;
            } else if (second < 0) {
                second = i;
            } else if (random.nextInt(seen) < 2) {
                if (random.nextBoolean()) {
                    first = i;
                } else {
                    second = i;
                }
            }
        }
        return second < 0 || pods.inFlight(first) <= pods.inFlight(second) ? first : second;
    }

    /** One arm's ridge regression: A = I + sum x x', b = sum r x, kept as A^-1 and b. */
    static final class Arm {
        final double[][] inverse = {{1, 0}, {0, 1}};
        final double[] b = new double[D];

        double upperBound(double[] x) {
            double[] ax = multiply(inverse, x);
            double mean = 0;
            double variance = 0;
            for (int i = 0; i < D; i++) {
                double theta = 0;
                for (int j = 0; j < D; j++) {
                    theta += inverse[i][j] * b[j];
                }
                mean += theta * x[i];
                variance += x[i] * ax[i];
            }
            return mean + ALPHA * Math.sqrt(Math.max(0, variance));
        }

        void learn(double[] x, double reward) {
            double[] ax = multiply(inverse, x);
            double denominator = 1;
            for (int i = 0; i < D; i++) {
                denominator += x[i] * ax[i];
            }
            for (int i = 0; i < D; i++) {
                for (int j = 0; j < D; j++) {
                    inverse[i][j] -= ax[i] * ax[j] / denominator;
                }
                b[i] += reward * x[i];
            }
        }

        private static double[] multiply(double[][] m, double[] x) {
            double[] out = new double[D];
            for (int i = 0; i < D; i++) {
                for (int j = 0; j < D; j++) {
                    out[i] += m[i][j] * x[j];
                }
            }
            return out;
        }
    }
}
