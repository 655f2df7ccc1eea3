package dev.muserving.local;

import dev.muserving.autoscaler.policy.AutoscalingPolicy;
import dev.muserving.autoscaler.policy.KnativeKpa;
import dev.muserving.autoscaler.policy.KpaConfig;
import dev.muserving.autoscaler.policy.MuAutoscaler;
import dev.muserving.autoscaler.policy.MuAutoscalerConfig;
import dev.muserving.bench.BadInputException;
import dev.muserving.placement.policy.KubeSchedulerPlacement;
import dev.muserving.placement.policy.MuPlacement;
import dev.muserving.placement.policy.PlacementPolicy;
import java.util.List;
import java.util.function.Function;
import java.util.random.RandomGeneratorFactory;

/**
 * Which routing, autoscaling and placement {@code mu local} runs: Mu's, or Knative's defaults, so
 * the two can be watched side by side on the same Functions.
 *
 * @param routing the activator-lb's routing policy by name
 */
public record LocalPolicies(String name, String routing, Function<LocalFunction, AutoscalingPolicy> autoscaler,
        PlacementPolicy placement) {

    public static final List<String> NAMES = List.of("mu", "knative");

    /** Mu's three policies; each Function's {@code scaleToZeroAfter} is its autoscaler's idle time. */
    public static LocalPolicies mu() {
        return new LocalPolicies("mu", "mu",
                fn -> new MuAutoscaler(fn.spec(), MuAutoscalerConfig.DEFAULTS),
                new MuPlacement());
    }

    /** Knative's activator routing, the KPA with its defaults, kube-scheduler's scoring (seeded tie-breaks). */
    public static LocalPolicies knative(long seed) {
        return new LocalPolicies("knative", "knative", fn -> KnativeKpa.factory(KpaConfig.DEFAULTS).create(fn.spec()),
                new KubeSchedulerPlacement(RandomGeneratorFactory.of("L64X128MixRandom").create(seed)));
    }

    public static LocalPolicies named(String name, long seed) {
        return switch (name) {
            case "mu" -> mu();
            case "knative" -> knative(seed);
            default -> throw new BadInputException("--system must be one of " + NAMES + ", got '" + name + "'");
        };
    }
}
