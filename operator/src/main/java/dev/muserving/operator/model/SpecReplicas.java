package dev.muserving.operator.model;

import dev.muserving.api.Arch;
import dev.muserving.api.v1alpha1.Function;
import dev.muserving.api.v1alpha1.FunctionResourceSpec;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The replica plan the spec alone implies, before any autoscaler speaks: Knative's initial scale
 * ({@code max(initial, min)}, capped by {@code max} when set), split as evenly as it goes over the
 * allowed architectures, the first ones taking the remainder.
 */
public final class SpecReplicas implements ReplicaSource {

    @Override
    public ReplicaPlan plan(Function function) {
        FunctionResourceSpec.Scale scale = function.getSpec().scale;
        int min = scale == null || scale.min == null ? 0 : scale.min;
        int max = scale == null || scale.max == null ? 0 : scale.max;
        int initial = scale == null || scale.initial == null ? 1 : scale.initial;
        int total = Math.max(initial, min);
        if (max > 0) {
            total = Math.min(total, max);
        }
        List<Arch> archs = FunctionWorkloadModel.architectures(function);
        Map<Arch, Integer> byArch = new EnumMap<>(Arch.class);
        for (int i = 0; i < archs.size(); i++) {
            byArch.put(archs.get(i), total / archs.size() + (i < total % archs.size() ? 1 : 0));
        }
        return new ReplicaPlan(byArch, reason(initial, min, max, total));
    }

    private static String reason(int initial, int min, int max, int total) {
        String cap = max > 0 && total == max && Math.max(initial, min) > max ? ", capped by max " + max : "";
        return "spec.scale: " + total + " replica(s) from " + (min > initial ? "min " + min : "initial " + initial) + cap;
    }
}
