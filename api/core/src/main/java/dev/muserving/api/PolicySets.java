package dev.muserving.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The systems by name, the one list {@code mu bench --systems}, {@code mu local --system} and the
 * components' settings choose from. Names only, so this stays below the policy modules; each host
 * resolves them through the families' registries.
 */
public final class PolicySets {

    public static final String KNATIVE = "knative";
    public static final String MU = "mu";

    private static final Map<String, PolicySet> BY_NAME = new LinkedHashMap<>();

    static {
        add(new PolicySet(KNATIVE, "Knative's defaults: activator routing by containerConcurrency, KPA, kube-scheduler scoring",
                "knative", "knative", "knative"));
        add(new PolicySet(MU, "Mu: least expected completion time routing, predictive SLO autoscaling, fair heterogeneous placement",
                "mu", "mu", "mu"));
        add(new PolicySet("mu-burst", "Mu, its autoscaler keeping room for 70 % of the last five minutes' peak rate",
                "mu", "mu-burst", "mu"));
        add(new PolicySet("mu-routing-only", "Mu's routing; Knative's autoscaling and placement", "mu", "knative", "knative"));
        add(new PolicySet("mu-autoscaler-only", "Mu's autoscaling; Knative's routing and placement", "knative", "mu", "knative"));
        add(new PolicySet("mu-placement-only", "Mu's placement; Knative's routing and autoscaling", "knative", "knative", "mu"));
        add(new PolicySet("mu-kube-placement", "Mu without its placement: Mu's routing and autoscaling, kube-scheduler's placement",
                "mu", "mu", "knative"));
        add(new PolicySet("knative+linucb", "Knative with Serverledge's LinUCB choosing the architecture per request",
                "linucb", "knative", "knative"));
        add(new PolicySet("knative+hist", "Knative with the hybrid-histogram keep-alive and pre-warm of Shahrad et al. (ATC'20)",
                "knative", "knative-hist", "knative"));
        add(new PolicySet("mu+hist", "Mu with the same hybrid-histogram keep-alive and pre-warm deciding its last pod",
                "mu", "mu-hist", "mu"));
    }

    private PolicySets() {}

    private static void add(PolicySet set) {
        BY_NAME.put(set.name(), set);
    }

    public static List<String> names() {
        return List.copyOf(BY_NAME.keySet());
    }

    /** Every routing policy some system uses: what a Function may ask for by name. */
    public static List<String> routingNames() {
        return BY_NAME.values().stream().map(PolicySet::routing).distinct().toList();
    }

    /** Every autoscaling policy some system uses: what a Function may ask for by name. */
    public static List<String> autoscalingNames() {
        return BY_NAME.values().stream().map(PolicySet::autoscaling).distinct().toList();
    }

    public static Optional<PolicySet> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }
}
