package dev.muserving.local;

import dev.muserving.api.BadInputException;
import dev.muserving.api.PolicySet;
import dev.muserving.api.PolicySets;
import dev.muserving.autoscaler.policy.AutoscalingPolicies;
import dev.muserving.autoscaler.policy.AutoscalingPolicyFactory;
import dev.muserving.placement.policy.PlacementPolicies;
import dev.muserving.placement.policy.PlacementPolicy;
import java.util.random.RandomGeneratorFactory;

/**
 * Which routing, autoscaling and placement {@code mu local} runs: any system of {@link PolicySets}
 * (Mu's, Knative's defaults, the ablations), so they can be watched side by side on the same Functions.
 *
 * @param routing the activator-lb's routing policy by name
 */
public record LocalPolicies(String name, String routing, AutoscalingPolicyFactory autoscaler, PlacementPolicy placement) {

    /** Mu's three policies. */
    public static LocalPolicies mu() {
        return named(PolicySets.MU, 1);
    }

    /** Knative's activator routing, the KPA with its defaults, kube-scheduler's scoring (seeded tie-breaks). */
    public static LocalPolicies knative(long seed) {
        return named(PolicySets.KNATIVE, seed);
    }

    public static LocalPolicies named(String name, long seed) {
        PolicySet set = PolicySets.byName(name).orElseThrow(() ->
                new BadInputException("--system must be one of " + PolicySets.names() + ", got '" + name + "'"));
        return new LocalPolicies(set.name(), set.routing(),
                AutoscalingPolicies.byName(set.autoscaling()).orElseThrow(),
                PlacementPolicies.byName(set.placement()).orElseThrow()
                        .create(RandomGeneratorFactory.of("L64X128MixRandom").create(seed)));
    }
}
