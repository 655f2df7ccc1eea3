package dev.muserving.dataplane.activator;

import dev.muserving.api.Arch;
import dev.muserving.api.FunctionSpec;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;

/**
 * What the activator needs to know of a function: how many requests one pod takes at once, how long
 * a request may take, and its ready pods.
 *
 * @param containerConcurrency 0 means no limit, as in Knative
 * @param timeout from arrival at the activator until the response headers, waiting for a pod included
 */
public record FunctionRoute(FunctionKey key, int containerConcurrency, Duration timeout, List<Endpoint> endpoints) {

    public FunctionRoute {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(timeout, "timeout");
        endpoints = List.copyOf(endpoints);
        if (containerConcurrency < 0) {
            throw new IllegalArgumentException(key + ": containerConcurrency must not be negative");
        }
    }

    public FunctionRoute withEndpoints(List<Endpoint> newEndpoints) {
        return new FunctionRoute(key, containerConcurrency, timeout, newEndpoints);
    }

    /**
     * The function as a routing policy sees it. Routing reads only containerConcurrency; the other
     * fields are placeholders the policies do not look at.
     */
    FunctionSpec routingSpec() {
        return new FunctionSpec(key.toString(), containerConcurrency, 1, 1, EnumSet.allOf(Arch.class),
                timeout.toMillis(), 1, 0, 0);
    }
}
