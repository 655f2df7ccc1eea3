package dev.muserving.dataplane.activator;

import dev.muserving.api.Arch;
import dev.muserving.api.PodHeaderState;
import dev.muserving.routing.policy.PodSet;
import io.vertx.core.net.SocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One function's pods as one balancer sees them: the {@link PodSet} its routing policy chooses from.
 * A pod that stays across endpoint updates keeps its in-flight count and last report; a pod that
 * refused a connection sits out a cool-down, then is tried again; a pod that said it is shutting
 * down is not routed to again. Lives on one event loop.
 */
final class PodTable implements PodSet {

    /** One pod and what this balancer knows of it. */
    static final class Pod {
        final Endpoint endpoint;
        final SocketAddress address;
        int inFlight;
        PodHeaderState report;
        long suspendedUntilNanos;
        /** The pod said it is shutting down: no new request goes there while it stays listed. */
        boolean leaving;
        /** Index in the routable view, -1 while out of it. */
        int index = -1;

        Pod(Endpoint endpoint) {
            this.endpoint = endpoint;
            this.address = SocketAddress.inetSocketAddress(endpoint.port(), endpoint.host());
            this.report = PodHeaderState.unknown(endpoint.pod(), endpoint.arch());
        }
    }

    private final Map<String, Pod> pods = new LinkedHashMap<>();
    private Pod[] routable = new Pod[0];
    private int suspended;

    /** Takes the source's current list; pods that stay keep their state. */
    void update(List<Endpoint> endpoints) {
        Map<String, Pod> previous = new LinkedHashMap<>(pods);
        pods.clear();
        for (Endpoint endpoint : endpoints) {
            Pod pod = previous.get(endpoint.pod());
            pods.put(endpoint.pod(), pod != null && pod.endpoint.equals(endpoint) ? pod : new Pod(endpoint));
        }
        rebuild(System.nanoTime());
    }

    /** Keeps a pod that refused a connection out of routing until the cool-down passes. */
    void suspend(Pod pod, long untilNanos) {
        if (pods.get(pod.endpoint.pod()) == pod) {
            pod.suspendedUntilNanos = untilNanos;
            rebuild(System.nanoTime());
        }
    }

    /** Keeps a pod that is shutting down out of routing for as long as it stays in the endpoints. */
    void leaving(Pod pod) {
        if (pods.get(pod.endpoint.pod()) == pod && !pod.leaving) {
            pod.leaving = true;
            rebuild(System.nanoTime());
        }
    }

    /** Lets pods whose cool-down passed be routed to again; true when any came back. */
    boolean resumeExpired(long nowNanos) {
        if (suspended == 0) {
            return false;
        }
        int before = routable.length;
        rebuild(nowNanos);
        return routable.length > before;
    }

    private void rebuild(long nowNanos) {
        for (Pod pod : routable) {
            pod.index = -1;
        }
        List<Pod> view = new ArrayList<>(pods.size());
        suspended = 0;
        for (Pod pod : pods.values()) {
            if (pod.leaving) {
                continue;
            }
            if (pod.suspendedUntilNanos - nowNanos > 0) {
                suspended++;
            } else {
                pod.index = view.size();
                view.add(pod);
            }
        }
        routable = view.toArray(Pod[]::new);
    }

    Pod get(int index) {
        return routable[index];
    }

    /** Pods known, routable or cooling down. */
    int known() {
        return pods.size();
    }

    Iterable<Pod> routablePods() {
        return List.of(routable);
    }

    @Override
    public int size() {
        return routable.length;
    }

    @Override
    public Arch arch(int pod) {
        return routable[pod].endpoint.arch();
    }

    @Override
    public int inFlight(int pod) {
        return routable[pod].inFlight;
    }

    @Override
    public PodHeaderState lastReport(int pod) {
        return routable[pod].report;
    }
}
