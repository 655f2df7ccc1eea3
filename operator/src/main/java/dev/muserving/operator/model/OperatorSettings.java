package dev.muserving.operator.model;

import java.util.OptionalInt;

/**
 * What the model needs from the operator's configuration (the Quarkus app maps it from
 * {@code mu.operator.*}; docs/function.md).
 *
 * @param schedulerName who binds the pods: Mu's placement, or {@code default-scheduler}
 * @param queueProxyImage the sidecar's image
 * @param domain functions answer at {@code <function>.<namespace>.<domain>}
 * @param urlPort the activator-lb's port in {@code status.url} when it is not 80
 */
public record OperatorSettings(String schedulerName, String queueProxyImage, String domain, OptionalInt urlPort) {

    public static final OperatorSettings DEFAULTS =
            new OperatorSettings("mu-placement", "ghcr.io/muserving/queue-proxy:0.1.0", "example.com", OptionalInt.empty());

    /** The same settings with another scheduler (tests use kube-scheduler until placement lands). */
    public OperatorSettings withScheduler(String scheduler) {
        return new OperatorSettings(scheduler, queueProxyImage, domain, urlPort);
    }
}
