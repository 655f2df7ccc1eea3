package dev.muserving.operator.placement;

import dev.muserving.api.Arch;
import dev.muserving.api.FunctionKey;
import dev.muserving.api.v1alpha1.Function;
import dev.muserving.api.v1alpha1.FunctionMapping;
import dev.muserving.operator.model.ReplicaPlan;
import dev.muserving.operator.model.ReplicaSource;
import dev.muserving.operator.model.SpecReplicas;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The replicas placement gives a Function, per architecture: the Deployments run exactly the pods
 * {@link MuScheduler} has room for, so a pod that could never fit is never created. Until the
 * scheduler's first round has seen the Function, the spec's even split stands in.
 */
public final class PlacedReplicas implements ReplicaSource {

    private final MuScheduler scheduler;
    private final SpecReplicas spec = new SpecReplicas();

    public PlacedReplicas(MuScheduler scheduler) {
        this.scheduler = scheduler;
    }

    @Override
    public ReplicaPlan plan(Function function) {
        Optional<Allocation> placed = scheduler.allocation(
                new FunctionKey(function.getMetadata().getNamespace(), function.getMetadata().getName()));
        ReplicaPlan wanted = spec.plan(function);
        if (placed.isEmpty()) {
            return new ReplicaPlan(wanted.byArch(), wanted.desired(), wanted.reason() + "; placement has not run yet");
        }
        Map<Arch, Integer> byArch = new EnumMap<>(Arch.class);
        FunctionMapping.resolve(function).spec().architectures().forEach(a -> byArch.put(a, placed.get().byArch().getOrDefault(a, 0)));
        return new ReplicaPlan(byArch, placed.get().desired(), wanted.reason() + "; " + placed.get().reason());
    }
}
