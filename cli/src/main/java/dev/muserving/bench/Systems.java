package dev.muserving.bench;

import dev.muserving.autoscaler.policy.KnativeKpa;
import dev.muserving.autoscaler.policy.KpaConfig;
import dev.muserving.bench.sim.SystemUnderTest;
import dev.muserving.placement.policy.KubeSchedulerPlacement;
import dev.muserving.routing.policy.KnativeActivatorRouting;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The policy sets `mu bench` can compare, by the names its {@code --systems} option takes. */
public final class Systems {

    public static final String KNATIVE = "knative";

    private static final Map<String, SystemUnderTest> ALL = new LinkedHashMap<>();

    static {
        add(new SystemUnderTest(KNATIVE,
                "Knative's defaults: activator routing by containerConcurrency, KPA, kube-scheduler scoring",
                KnativeActivatorRouting::new,
                KnativeKpa.factory(KpaConfig.DEFAULTS),
                KubeSchedulerPlacement::new));
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
