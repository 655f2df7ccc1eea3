package dev.muserving.bench;

import dev.muserving.autoscaler.policy.AutoscalingPolicyFactory;
import dev.muserving.autoscaler.policy.KnativeKpa;
import dev.muserving.autoscaler.policy.KpaConfig;
import dev.muserving.autoscaler.policy.MuAutoscaler;
import dev.muserving.autoscaler.policy.MuAutoscalerConfig;
import dev.muserving.bench.sim.SystemUnderTest;
import dev.muserving.placement.policy.KubeSchedulerPlacement;
import dev.muserving.placement.policy.MuPlacement;
import dev.muserving.placement.policy.PlacementPolicy;
import dev.muserving.routing.policy.KnativeActivatorRouting;
import dev.muserving.routing.policy.LinUcbRouting;
import dev.muserving.routing.policy.MuRouting;
import dev.muserving.routing.policy.RoutingPolicyFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/** The policy sets `mu bench` can compare, by the names its {@code --systems} option takes. */
public final class Systems {

    public static final String KNATIVE = "knative";
    public static final String MU = "mu";

    private static final Map<String, SystemUnderTest> ALL = new LinkedHashMap<>();

    static {
        RoutingPolicyFactory knativeRouting = KnativeActivatorRouting::new;
        AutoscalingPolicyFactory knativeAutoscaling = KnativeKpa.factory(KpaConfig.DEFAULTS);
        Function<RandomGenerator, PlacementPolicy> knativePlacement = KubeSchedulerPlacement::new;
        RoutingPolicyFactory muRouting = MuRouting::new;
        AutoscalingPolicyFactory muAutoscaling = MuAutoscaler.factory(MuAutoscalerConfig.DEFAULTS);
        Function<RandomGenerator, PlacementPolicy> muPlacement = random -> new MuPlacement();

        add(new SystemUnderTest(KNATIVE,
                "Knative's defaults: activator routing by containerConcurrency, KPA, kube-scheduler scoring",
                knativeRouting, knativeAutoscaling, knativePlacement));
        add(new SystemUnderTest(MU,
                "Mu: least expected completion time routing, predictive SLO autoscaling, fair heterogeneous placement",
                muRouting, muAutoscaling, muPlacement));
        add(new SystemUnderTest("mu-burst", "Mu, its autoscaler keeping room for 70 % of the last five minutes' peak rate",
                muRouting, MuAutoscaler.factory(MuAutoscalerConfig.BURST_AWARE), muPlacement));
        add(new SystemUnderTest("mu-routing-only", "Mu's routing; Knative's autoscaling and placement",
                muRouting, knativeAutoscaling, knativePlacement));
        add(new SystemUnderTest("mu-autoscaler-only", "Mu's autoscaling; Knative's routing and placement",
                knativeRouting, muAutoscaling, knativePlacement));
        add(new SystemUnderTest("mu-placement-only", "Mu's placement; Knative's routing and autoscaling",
                knativeRouting, knativeAutoscaling, muPlacement));
        add(new SystemUnderTest("knative+linucb", "Knative with Serverledge's LinUCB choosing the architecture per request",
                LinUcbRouting::new, knativeAutoscaling, knativePlacement));
    }

    private Systems() {}

    private static void add(SystemUnderTest system) {
        ALL.put(system.name(), system);
    }

    public static List<String> names() {
        return List.copyOf(ALL.keySet());
    }

    public static SystemUnderTest get(String name) {
        SystemUnderTest system = ALL.get(name);
        if (system == null) {
            throw new BadInputException("unknown system '" + name + "'; known systems: " + String.join(", ", names()));
        }
        return system;
    }

    public static List<SystemUnderTest> resolve(List<String> names) {
        List<SystemUnderTest> systems = new ArrayList<>();
        for (String name : names) {
            SystemUnderTest system = get(name.trim());
            if (systems.contains(system)) {
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
