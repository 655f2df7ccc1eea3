package dev.muserving.api;

/**
 * What a pod's queue-proxy sidecar is told and where it answers: the environment the operator (and
 * {@code mu local}) sets and the queue-proxy reads, in one place both sides use.
 */
public final class QueueProxyContract {

    /** The traffic port, as Knative's queue-proxy: everything on it goes to the user container. */
    public static final int DEFAULT_PORT = 8012;
    /** Readiness and metrics, apart from the traffic port so that no user path is ever shadowed. */
    public static final int DEFAULT_ADMIN_PORT = 8022;
    public static final String READY_PATH = "/ready";
    public static final String METRICS_PATH = "/metrics";
    /**
     * Answers once the queue-proxy has drained: the user container's preStop hook, so that the
     * function gets SIGTERM only after the last request it will see (Knative's queue-proxy does the same).
     */
    public static final String WAIT_FOR_DRAIN_PATH = "/wait-for-drain";

    public static final String PORT = "MU_PORT";
    public static final String ADMIN_PORT = "MU_ADMIN_PORT";
    public static final String BIND_ADDRESS = "MU_BIND_ADDRESS";
    /** The user container's port on localhost. */
    public static final String USER_PORT = "MU_USER_PORT";
    /** The function's {@code containerConcurrency}; 0 means no limit. */
    public static final String CONTAINER_CONCURRENCY = "MU_CONTAINER_CONCURRENCY";
    public static final String QUEUE_DEPTH = "MU_QUEUE_DEPTH";
    /** The pod's name (the downward API's {@code metadata.name}), for {@code Mu-Pod}. */
    public static final String POD_NAME = "MU_POD_NAME";
    /** The node's architecture, for {@code Mu-Arch}. */
    public static final String ARCH = "MU_ARCH";
    /** The function's {@code timeout}, in whole seconds. */
    public static final String REQUEST_TIMEOUT_SECONDS = "MU_REQUEST_TIMEOUT_SECONDS";
    public static final String DRAIN_SECONDS = "MU_DRAIN_SECONDS";
    /**
     * On shutdown, how long the pod goes on answering (every new request turned away as not
     * delivered) before its ports close, so that a request a balancer sends before it learns the pod
     * is leaving meets an answer rather than a closed connection. Knative's queue-proxy sleeps the
     * same way.
     */
    public static final String DRAIN_LINGER_SECONDS = "MU_DRAIN_LINGER_SECONDS";

    private QueueProxyContract() {}
}
