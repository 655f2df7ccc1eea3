package dev.muserving.dataplane.activator;

import dev.muserving.api.FunctionKey;

/**
 * A request is waiting for a function that has no ready pod: scale it from zero now rather than at
 * the next autoscaler tick (Knative's activator pokes its autoscaler the same way). Called from a
 * Vert.x thread, at most about twice a second per function and balancer; never blocks.
 */
@FunctionalInterface
public interface DemandSignal {

    DemandSignal NONE = function -> {};

    void demand(FunctionKey function);
}
