package dev.muserving.operator.model;

import dev.muserving.api.v1alpha1.Function;

/** Where a function's replica plan comes from: the spec now ({@link SpecReplicas}), the autoscaler and placement later. */
@FunctionalInterface
public interface ReplicaSource {

    ReplicaPlan plan(Function function);
}
