package dev.muserving.operator.model;

import dev.muserving.api.v1alpha1.Function;

/** How many replicas a Function wants now, before placement, and why: the autoscaler's answer. */
@FunctionalInterface
public interface DesiredReplicas {

    /** @param reason one line, the start of {@code status.lastScaleReason} */
    record Desire(int replicas, String reason) {}

    Desire desire(Function function);
}
