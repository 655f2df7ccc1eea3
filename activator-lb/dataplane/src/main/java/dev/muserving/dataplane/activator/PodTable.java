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
 *
 * <p>A pod this balancer has not connected to yet, or whose last connection failed, is on
 * probation: while a connection to it is being made, it takes no other request. A pod listed
 * ready whose address does not answer (its node died) costs one request the connect time-out,
 * not every request the policy sent there meanwhile, as Knative's activator probes a pod before
 * it sends it traffic; a live one is out of the view for the moment its first connection takes.
 * Each cool-down in a row without a connection made doubles, to {@link #MAX_COOL_DOWN_DOUBLINGS}
 * doublings, as Envoy's outlier detection lengthens each ejection.
 */
final class PodTable implements PodSet {

    /** One pod and what this balancer knows of it. */
    static final class Pod {
        final Endpoint endpoint;
        final SocketAddress address;
        int inFlight;
        PodHeaderState report;
        long suspendedUntilNanos;
        /** A connection to it was made since it was listed, or since its last cool-down. */
        boolean proven;
        /** Connections being made to it for this balancer's requests. */
        int connecting;
        /** Cool-downs in a row with no connection made between them. */
        int coolDowns;
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

    static final int MAX_COOL_DOWN_DOUBLINGS = 3;

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

    /** Keeps a pod that failed a request out of routing for {@code coolDownNanos}, doubled for each cool-down in a row before. */
    void suspend(Pod pod, long coolDownNanos) {
        if (pods.get(pod.endpoint.pod()) == pod) {
            long now = System.nanoTime();
            pod.suspendedUntilNanos = now + (coolDownNanos << Math.min(pod.coolDowns, MAX_COOL_DOWN_DOUBLINGS));
            pod.coolDowns++;
            pod.proven = false;
            rebuild(now);
        }
    }

    /** A connection to the pod is being made; one on probation leaves the view meanwhile. */
    void connecting(Pod pod) {
        pod.connecting++;
        if (!pod.proven && pod.connecting == 1 && pod.index >= 0) {
            rebuild(System.nanoTime());
        }
    }

    /** The connection is made, or failed: true when the pod came back into the view by it. */
    boolean connected(Pod pod, boolean made) {
        pod.connecting--;
        if (!made || pod.proven) {
            return false; // a failure is the caller's to cool down
        }
        pod.proven = true;
        pod.coolDowns = 0;
        if (pods.get(pod.endpoint.pod()) != pod) {
            return false;
        }
        rebuild(System.nanoTime());
        return pod.index >= 0;
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
            if (pod.leaving || !pod.proven && pod.connecting > 0) {
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
