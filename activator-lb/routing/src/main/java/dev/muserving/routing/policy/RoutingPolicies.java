package dev.muserving.routing.policy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The routing policies a balancer can be configured with, by the names its configuration takes. */
public final class RoutingPolicies {

    private static final Map<String, RoutingPolicyFactory> BY_NAME = new LinkedHashMap<>();

    static {
        BY_NAME.put("mu", MuRouting::new);
        BY_NAME.put("knative", KnativeActivatorRouting::new);
        BY_NAME.put("round-robin", RoundRobinRouting::new);
        BY_NAME.put("least-request", LeastRequestRouting::new);
        BY_NAME.put("linucb", LinUcbRouting::new);
    }

    private RoutingPolicies() {}

    public static List<String> names() {
        return List.copyOf(BY_NAME.keySet());
    }

    public static Optional<RoutingPolicyFactory> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }
}
