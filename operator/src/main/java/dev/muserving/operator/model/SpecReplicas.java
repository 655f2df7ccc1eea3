package dev.muserving.operator.model;

import dev.muserving.api.Arch;
import dev.muserving.api.FunctionSpec;
import dev.muserving.api.v1alpha1.Function;
import dev.muserving.api.v1alpha1.FunctionMapping;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The replica plan the spec alone implies, before any autoscaler speaks: Knative's initial scale
 * ({@code max(initial, min)}; the CRD keeps both within {@code max}), split as evenly as it goes
 * over the allowed architectures, the first ones taking the remainder.
 */
public final class SpecReplicas implements ReplicaSource {

    @Override
    public ReplicaPlan plan(Function function) {
        FunctionSpec spec = FunctionMapping.resolve(function).spec();
        int total = spec.startingReplicas();
        List<Arch> archs = List.copyOf(spec.architectures());
        Map<Arch, Integer> byArch = new EnumMap<>(Arch.class);
        for (int i = 0; i < archs.size(); i++) {
            byArch.put(archs.get(i), total / archs.size() + (i < total % archs.size() ? 1 : 0));
        }
        return new ReplicaPlan(byArch, reason(spec.initialScale(), spec.minScale(), total));
    }

    private static String reason(int initial, int min, int total) {
        return "spec.scale: " + total + " replica(s) from " + (min > initial ? "min " + min : "initial " + initial);
    }
}
