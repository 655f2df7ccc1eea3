package dev.muserving.operator.model;

/**
 * What the model needs from the operator's configuration (the Quarkus app maps it from
 * {@code mu.operator.*}; docs/function.md).
 *
 * @param schedulerName who binds the pods: Mu's placement, or {@code default-scheduler}
 * @param queueProxyImage the sidecar's image
 * @param domain functions answer at {@code <function>.<namespace>.<domain>}
 */
public record OperatorSettings(String schedulerName, String queueProxyImage, String domain) {

    public static final OperatorSettings DEFAULTS =
            new OperatorSettings("mu-placement", "ghcr.io/muserving/queue-proxy:0.1.0", "example.com");

    /** The same settings with another scheduler (tests use kube-scheduler until placement lands). */
    public OperatorSettings withScheduler(String scheduler) {
        return new OperatorSettings(scheduler, queueProxyImage, domain);
    }
}
