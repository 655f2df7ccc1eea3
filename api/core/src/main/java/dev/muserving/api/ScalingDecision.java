package dev.muserving.api;

import java.util.Objects;

/**
 * An autoscaler's answer for one function at one tick.
 *
 * @param desiredReplicas the replicas the function should have
 * @param requiredReplicas the fewest replicas that keep up with the expected load at all (no more
 *     than desired); under contention placement gives every function these before the headroom
 *     that meets the SLO. An autoscaler that cannot tell says the desired count.
 * @param reason why, for a human: it goes to the Function's status and to logs
 */
public record ScalingDecision(int desiredReplicas, int requiredReplicas, String reason) {

    public ScalingDecision {
        if (desiredReplicas < 0) {
            throw new IllegalArgumentException("desiredReplicas cannot be negative, got " + desiredReplicas);
        }
        if (requiredReplicas < 0 || requiredReplicas > desiredReplicas) {
            throw new IllegalArgumentException(
                    "requiredReplicas must be between 0 and desiredReplicas " + desiredReplicas + ", got " + requiredReplicas);
        }
        Objects.requireNonNull(reason, "reason");
    }

    /** A decision with no separate minimum: everything desired is required. */
    public ScalingDecision(int desiredReplicas, String reason) {
        this(desiredReplicas, desiredReplicas, reason);
    }
}
