package dev.muserving.dataplane.activator;

import java.util.List;
import java.util.function.Consumer;

/**
 * Where the activator learns the functions and their ready pods: a file or a list now, Kubernetes
 * EndpointSlices later. Each change delivers the whole current state; the activator keeps what it
 * knows of pods that stay (their in-flight counts and last reports).
 */
public interface EndpointSource extends AutoCloseable {

    /** Starts delivering: once at once with the current state, then after every change. */
    void start(Consumer<List<FunctionRoute>> onChange);

    @Override
    default void close() {}
}
