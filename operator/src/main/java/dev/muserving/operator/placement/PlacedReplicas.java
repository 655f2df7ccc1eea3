package dev.muserving.operator.placement;

import dev.muserving.api.Arch;
import dev.muserving.api.v1alpha1.Function;
import dev.muserving.api.v1alpha1.FunctionResourceStatus;
import dev.muserving.api.v1alpha1.FunctionNames;
import dev.muserving.api.v1alpha1.FunctionMapping;
import dev.muserving.operator.model.DesiredReplicas;
import dev.muserving.operator.model.ReplicaPlan;
import dev.muserving.operator.model.ReplicaSource;
import dev.muserving.operator.model.SpecReplicas;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The replicas placement gives a Function, per architecture: the Deployments run exactly the pods
 * {@link MuScheduler} has room for, so a pod that could never fit is never created. Until the
 * scheduler's first round has seen the Function, what it wants is split evenly in its stead.
 */
public final class PlacedReplicas implements ReplicaSource {

    private final MuScheduler scheduler;
    private final DesiredReplicas desired;

    /** @param desired what each Function wants before placement: the autoscaler's decision */
    public PlacedReplicas(MuScheduler scheduler, DesiredReplicas desired) {
        this.scheduler = scheduler;
        this.desired = desired;
    }

    @Override
    public ReplicaPlan plan(Function function) {
        Optional<Allocation> placed = scheduler.allocation(
                FunctionNames.key(function));
        DesiredReplicas.Desire wanted = desired.desire(function);
        Set<Arch> architectures = FunctionMapping.resolveIgnoringUnknownPolicies(function).spec().architectures();
        if (placed.isEmpty()) {
            Optional<Map<Arch, Integer>> lastPlaced = lastPlaced(function, architectures);
            return lastPlaced.map(byArch -> new ReplicaPlan(byArch, wanted.replicas(), wanted.reason() + "; placement has not run yet"
                            + " on this instance: the split placed before kept"))
                    .orElseGet(() -> new ReplicaPlan(SpecReplicas.split(wanted.replicas(), architectures), wanted.replicas(),
                            wanted.reason() + "; placement has not run yet"));
        }
        Map<Arch, Integer> byArch = new EnumMap<>(Arch.class);
        architectures.forEach(a -> byArch.put(a, placed.get().byArch().getOrDefault(a, 0)));
        return new ReplicaPlan(byArch, placed.get().desired(), wanted.reason() + "; " + placed.get().reason());
    }

    /**
     * The split the status says placement gave this very spec (its generation), as an earlier leader
     * wrote it. A new leader's reconciler runs before its scheduler's first round, and an even split
     * in its stead moved running pods between architectures at every takeover
     * (MuSchedulerIT.aNewLeaderKeepsThePodsThatRunWhereTheyRun).
     */
    private static Optional<Map<Arch, Integer>> lastPlaced(Function function, Set<Arch> architectures) {
        FunctionResourceStatus status = function.getStatus();
        if (status == null || status.byArchitecture == null || status.observedGeneration == null
                || !status.observedGeneration.equals(function.getMetadata().getGeneration())) {
            return Optional.empty();
        }
        Map<Arch, Integer> byArch = new EnumMap<>(Arch.class);
        for (Arch arch : architectures) {
            FunctionResourceStatus.ArchitectureStatus placed = status.byArchitecture.get(arch.label());
            if (placed == null || placed.desired == null) {
                return Optional.empty();
            }
            byArch.put(arch, placed.desired);
        }
        return Optional.of(byArch);
    }
}
