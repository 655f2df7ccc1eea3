package dev.muserving.autoscaler.policy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The autoscaling policies by the names every host's configuration takes (one place for them). */
public final class AutoscalingPolicies {

    private static final Map<String, AutoscalingPolicyFactory> BY_NAME = new LinkedHashMap<>();

    static {
        BY_NAME.put("mu", MuAutoscaler.factory(MuAutoscalerConfig.DEFAULTS));
        BY_NAME.put("mu-burst", MuAutoscaler.factory(MuAutoscalerConfig.BURST_AWARE));
        BY_NAME.put("knative", KnativeKpa.factory(KpaConfig.DEFAULTS));
        BY_NAME.put("knative-hist", HybridHistogramKeepAlive.around(KnativeKpa.factory(KpaConfig.DEFAULTS)));
        BY_NAME.put("mu-hist", HybridHistogramKeepAlive.around(MuAutoscaler.factory(MuAutoscalerConfig.DEFAULTS)));
    }

    private AutoscalingPolicies() {}

    public static List<String> names() {
        return List.copyOf(BY_NAME.keySet());
    }

    public static Optional<AutoscalingPolicyFactory> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }
}
