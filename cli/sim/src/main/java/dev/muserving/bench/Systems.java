package dev.muserving.bench;

import dev.muserving.api.BadInputException;
import dev.muserving.api.PolicySet;
import dev.muserving.api.PolicySets;
import dev.muserving.autoscaler.policy.AutoscalingPolicies;
import dev.muserving.bench.sim.SystemUnderTest;
import dev.muserving.placement.policy.PlacementPolicies;
import dev.muserving.routing.policy.RoutingPolicies;
import java.util.ArrayList;
import java.util.List;

/** The systems `mu bench` can compare ({@link PolicySets}), resolved into their policies. */
public final class Systems {

    public static final String KNATIVE = PolicySets.KNATIVE;
    public static final String MU = PolicySets.MU;

    private Systems() {}

    public static List<String> names() {
        return PolicySets.names();
    }

    public static SystemUnderTest get(String name) {
        PolicySet set = PolicySets.byName(name).orElseThrow(() ->
                new BadInputException("unknown system '" + name + "'; known systems: " + String.join(", ", names())));
        return new SystemUnderTest(set.name(), set.description(),
                RoutingPolicies.byName(set.routing()).orElseThrow(() -> unknown(set, "routing", set.routing())),
                AutoscalingPolicies.byName(set.autoscaling()).orElseThrow(() -> unknown(set, "autoscaling", set.autoscaling())),
                PlacementPolicies.byName(set.placement()).orElseThrow(() -> unknown(set, "placement", set.placement())));
    }

    private static IllegalStateException unknown(PolicySet set, String family, String policy) {
        return new IllegalStateException("system " + set.name() + " names the unknown " + family + " policy " + policy);
    }

    public static List<SystemUnderTest> resolve(List<String> names) {
        List<SystemUnderTest> systems = new ArrayList<>();
        for (String name : names) {
            SystemUnderTest system = get(name.trim());
            if (systems.stream().anyMatch(s -> s.name().equals(system.name()))) {
                throw new BadInputException("system '" + name.trim() + "' is listed twice");
            }
            systems.add(system);
        }
        if (systems.isEmpty()) {
            throw new BadInputException("no systems to run; known systems: " + String.join(", ", names()));
        }
        return systems;
    }
}
