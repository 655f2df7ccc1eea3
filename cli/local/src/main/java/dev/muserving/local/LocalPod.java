package dev.muserving.local;

import dev.muserving.api.PodPhase;
import dev.muserving.api.PodPlacement;
import dev.muserving.dataplane.ChildProcess;
import dev.muserving.dataplane.activator.Endpoint;
import dev.muserving.dataplane.queueproxy.QueueProxy;
import java.time.Instant;

/** One pod of {@code mu local}: a function process and its queue-proxy, bound to an emulated node. */
final class LocalPod {

    final String name;
    final LocalFunction function;
    final LocalNode node;
    final Instant createdAt;
    volatile PodPhase phase = PodPhase.STARTING;
    volatile Instant readyAt;
    volatile ChildProcess process;
    volatile QueueProxy queueProxy;
    volatile String deploymentId;
    volatile Endpoint endpoint;

    LocalPod(String name, LocalFunction function, LocalNode node, Instant createdAt) {
        this.name = name;
        this.function = function;
        this.node = node;
        this.createdAt = createdAt;
    }

    String functionName() {
        return function.spec().name();
    }

    PodPlacement placement() {
        return new PodPlacement(name, functionName(), node.name(), node.arch(), phase, createdAt,
                phase == PodPhase.STARTING ? null : readyAt);
    }

    @Override
    public String toString() {
        return name + " on " + node.name();
    }
}
