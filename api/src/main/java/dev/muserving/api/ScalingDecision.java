package dev.muserving.api;

import java.util.Objects;

/**
 * An autoscaler's answer for one function at one tick.
 *
 * @param desiredReplicas the replicas the function should have
 * @param reason why, for a human: it goes to the Function's status and to logs
 */
public record ScalingDecision(int desiredReplicas, String reason) {

    public ScalingDecision {
        if (desiredReplicas < 0) {
            throw new IllegalArgumentException("desiredReplicas cannot be negative, got " + desiredReplicas);
        }
        Objects.requireNonNull(reason, "reason");
    }
}
