package dev.muserving.operator.model;

import dev.muserving.api.Arch;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * How many pods each architecture of a function should run, and why. The operator applies it and
 * never guesses one: it comes from the spec now, from the autoscaler and placement later.
 *
 * @param byArch replicas per allowed architecture (an allowed architecture with none is listed with 0):
 *     what the Deployments run, placement's allocation
 * @param desired the replicas wanted before placement; more than {@link #total()} when the cluster has
 *     no room for the rest
 * @param reason one line for {@code status.lastScaleReason}
 * @param handingOver architectures no longer allowed whose Deployments serve on, as they are, until the
 *     allowed ones take over ({@link ArchitectureHandover})
 */
public record ReplicaPlan(Map<Arch, Integer> byArch, int desired, String reason, Set<Arch> handingOver) {

    /** A plan that places every wanted replica. */
    public ReplicaPlan(Map<Arch, Integer> byArch, String reason) {
        this(byArch, byArch.values().stream().mapToInt(Integer::intValue).sum(), reason);
    }

    public ReplicaPlan(Map<Arch, Integer> byArch, int desired, String reason) {
        this(byArch, desired, reason, Set.of());
    }

    public ReplicaPlan {
        handingOver = Set.copyOf(handingOver);
        byArch = Collections.unmodifiableMap(new EnumMap<>(byArch));
        byArch.forEach((arch, replicas) -> {
            if (replicas < 0) {
                throw new IllegalArgumentException("negative replicas for " + arch + ": " + replicas);
            }
        });
    }

    public ReplicaPlan handingOver(Set<Arch> stillServing) {
        return new ReplicaPlan(byArch, desired, reason, stillServing);
    }

    public Set<Arch> architectures() {
        return byArch.keySet();
    }

    /** The architectures that keep a Deployment: the allowed ones and those handing over. */
    public Set<Arch> deployed() {
        Set<Arch> deployed = EnumSet.noneOf(Arch.class);
        deployed.addAll(byArch.keySet());
        deployed.addAll(handingOver);
        return deployed;
    }

    public int replicas(Arch arch) {
        return byArch.getOrDefault(arch, 0);
    }

    public int total() {
        return byArch.values().stream().mapToInt(Integer::intValue).sum();
    }
}
