package dev.muserving.api;

import java.time.Instant;
import java.util.Objects;

/**
 * One pod bound to a node.
 *
 * @param readyAt when it became ready; null while it starts
 */
public record PodPlacement(
        String pod, String function, String node, Arch arch, PodPhase phase, Instant createdAt, Instant readyAt) {

    public PodPlacement {
        Objects.requireNonNull(pod, "pod");
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(arch, "arch");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** Counts toward the function's replicas: starting or ready, not on its way out. */
    public boolean isActive() {
        return phase != PodPhase.TERMINATING;
    }
}
