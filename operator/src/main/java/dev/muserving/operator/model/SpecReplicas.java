package dev.muserving.operator.model;

import dev.muserving.api.Arch;
import dev.muserving.api.FunctionSpec;
import dev.muserving.api.v1alpha1.Function;
import dev.muserving.api.v1alpha1.FunctionMapping;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The replicas the spec alone implies, before any autoscaler speaks: Knative's initial scale
 * ({@code max(initial, min)}; the CRD keeps both within {@code max}), split as evenly as it goes
 * over the allowed architectures, the first ones taking the remainder.
 */
public final class SpecReplicas implements ReplicaSource, DesiredReplicas {

    @Override
    public ReplicaPlan plan(Function function) {
        FunctionSpec spec = FunctionMapping.resolveIgnoringUnknownPolicies(function).spec();
        Desire desire = desire(function);
        return new ReplicaPlan(split(desire.replicas(), spec.architectures()), desire.reason());
    }

    @Override
    public Desire desire(Function function) {
        FunctionSpec spec = FunctionMapping.resolveIgnoringUnknownPolicies(function).spec();
        int total = spec.startingReplicas();
        return new Desire(total, "spec.scale: " + total + " replica(s) from "
                + (spec.minScale() > spec.initialScale() ? "min " + spec.minScale() : "initial " + spec.initialScale()));
    }

    /** {@code total} replicas over the architectures, as evenly as it goes, the first ones taking the remainder. */
    public static Map<Arch, Integer> split(int total, Collection<Arch> architectures) {
        List<Arch> archs = List.copyOf(architectures);
        Map<Arch, Integer> byArch = new EnumMap<>(Arch.class);
        for (int i = 0; i < archs.size(); i++) {
            byArch.put(archs.get(i), total / archs.size() + (i < total % archs.size() ? 1 : 0));
        }
        return byArch;
    }
}
