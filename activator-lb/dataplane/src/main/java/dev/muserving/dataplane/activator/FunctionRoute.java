package dev.muserving.dataplane.activator;

import dev.muserving.api.FunctionKey;
import dev.muserving.api.FunctionSpec;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the activator needs to know of a function: the function as its policies see it (routing
 * reads its containerConcurrency, the autoscaler the rest), how long a request may take, and its
 * ready pods.
 *
 * @param spec named {@code <namespace>/<name>}, as {@link FunctionKey#toString()}
 * @param timeout from arrival at the activator until the response headers, waiting for a pod included
 * @param routing the routing policy the function asks for by name; empty for the activator's own
 * @param notServed why a function that exists is not served (a Function whose spec was never valid):
 *     its requests are answered 503 with that reason, rather than 404 as if it did not exist
 */
public record FunctionRoute(FunctionKey key, FunctionSpec spec, Duration timeout, List<Endpoint> endpoints, Optional<String> routing,
        Optional<String> notServed) {

    public FunctionRoute {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(timeout, "timeout");
        if (!spec.name().equals(key.toString())) {
            throw new IllegalArgumentException("the route of " + key + " carries the spec of " + spec.name());
        }
        endpoints = List.copyOf(endpoints);
        Objects.requireNonNull(routing, "routing");
        Objects.requireNonNull(notServed, "notServed");
    }

    public FunctionRoute(FunctionKey key, FunctionSpec spec, Duration timeout, List<Endpoint> endpoints, Optional<String> routing) {
        this(key, spec, timeout, endpoints, routing, Optional.empty());
    }

    /** A function that exists and is not served, and why. */
    public static FunctionRoute notServed(FunctionKey key, String why) {
        return new FunctionRoute(key, FunctionSpec.withDefaults(key.toString(), 0), Duration.ZERO, List.of(), Optional.empty(),
                Optional.of(why));
    }

    /** A function routed by the activator's own policy. */
    public FunctionRoute(FunctionKey key, FunctionSpec spec, Duration timeout, List<Endpoint> endpoints) {
        this(key, spec, timeout, endpoints, Optional.empty());
    }

    /** A function known only by its concurrency limit; everything else takes the Function's defaults. */
    public FunctionRoute(FunctionKey key, int containerConcurrency, Duration timeout, List<Endpoint> endpoints) {
        this(key, FunctionSpec.withDefaults(key.toString(), containerConcurrency), timeout, endpoints);
    }

    /** 0 means no limit, as in Knative. */
    public int containerConcurrency() {
        return spec.containerConcurrency();
    }

    public FunctionRoute withEndpoints(List<Endpoint> newEndpoints) {
        return new FunctionRoute(key, spec, timeout, newEndpoints, routing, notServed);
    }
}
