package dev.muserving.placement.policy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The placement policies by the names every host's configuration takes (one place for them). */
public final class PlacementPolicies {

    private static final Map<String, PlacementPolicyFactory> BY_NAME = new LinkedHashMap<>();

    static {
        BY_NAME.put("mu", random -> new MuPlacement());
        BY_NAME.put("knative", KubeSchedulerPlacement::new);
    }

    private PlacementPolicies() {}

    public static List<String> names() {
        return List.copyOf(BY_NAME.keySet());
    }

    public static Optional<PlacementPolicyFactory> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }
}
