package dev.muserving.dataplane.queueproxy;

import static dev.muserving.api.QueueProxyContract.ADMIN_PORT;
import static dev.muserving.api.QueueProxyContract.ARCH;
import static dev.muserving.api.QueueProxyContract.BIND_ADDRESS;
import static dev.muserving.api.QueueProxyContract.CONTAINER_CONCURRENCY;
import static dev.muserving.api.QueueProxyContract.DRAIN_LINGER_SECONDS;
import static dev.muserving.api.QueueProxyContract.DRAIN_SECONDS;
import static dev.muserving.api.QueueProxyContract.PORT;
import static dev.muserving.api.QueueProxyContract.POD_NAME;
import static dev.muserving.api.QueueProxyContract.QUEUE_DEPTH;
import static dev.muserving.api.QueueProxyContract.REQUEST_TIMEOUT_SECONDS;
import static dev.muserving.api.QueueProxyContract.USER_PORT;

import dev.muserving.api.Arch;
import dev.muserving.api.FunctionDefaults;
import dev.muserving.api.FunctionDuration;
import dev.muserving.api.FunctionSpec;
import dev.muserving.api.QueueProxyContract;
import dev.muserving.dataplane.ConfigException;
import dev.muserving.dataplane.Settings;
import java.time.Duration;
import java.util.Map;

/**
 * The queue-proxy's settings, read from environment variables as a sidecar's are: the names are
 * {@link QueueProxyContract}'s, which the operator sets (docs/dataplane.md lists them with their defaults).
 *
 * @param bindAddress where both ports listen
 * @param port the traffic port: everything on it is forwarded to the user container
 * @param adminPort readiness ({@code /ready}) and Prometheus metrics ({@code /metrics}), apart from
 *     the traffic port so that no user path is ever shadowed
 * @param userPort the user container's port on localhost
 * @param containerConcurrency requests the user container gets at once; 0 means no limit
 * @param queueDepth requests that may wait for a slot; a full queue answers 503
 * @param requestTimeout from admission until the user container's response headers
 * @param drainTimeout on shutdown, how long requests in the pod get to finish
 * @param drainLinger on shutdown, how long the ports stay open at least, turning new requests away
 */
public record QueueProxyConfig(
        String bindAddress,
        int port,
        int adminPort,
        int userPort,
        int containerConcurrency,
        int queueDepth,
        String podName,
        Arch arch,
        Duration requestTimeout,
        Duration drainTimeout,
        Duration drainLinger) {

    /** Knative's queue-proxy: a breaker of containerConcurrency slots with ten times as many queued. */
    static final int QUEUE_DEPTH_PER_SLOT = 10;
    /** Waiting requests for a pod without a concurrency limit never wait, but a bound is kept anyway. */
    static final int UNLIMITED_QUEUE_DEPTH = 10_000;

    public QueueProxyConfig {
        if (containerConcurrency < 0 || queueDepth < 0) {
            throw new ConfigException("containerConcurrency and queueDepth must not be negative");
        }
    }

    /** Requests a pod lets wait when none is set: ten per slot, or a generous bound without a limit. */
    public static int defaultQueueDepth(int containerConcurrency) {
        return containerConcurrency != FunctionSpec.UNLIMITED_CONCURRENCY ? QUEUE_DEPTH_PER_SLOT * containerConcurrency : UNLIMITED_QUEUE_DEPTH;
    }

    public static QueueProxyConfig fromEnvironment(Map<String, String> env) {
        Settings s = new Settings(env);
        int cc = s.integer(CONTAINER_CONCURRENCY, FunctionSpec.UNLIMITED_CONCURRENCY, 0, 100_000);
        int defaultDepth = defaultQueueDepth(cc);
        int port = s.integer(PORT, QueueProxyContract.DEFAULT_PORT, 0, 65_535);
        int adminPort = s.integer(ADMIN_PORT, QueueProxyContract.DEFAULT_ADMIN_PORT, 0, 65_535);
        int userPort = s.integer(USER_PORT, FunctionDefaults.PORT, 1, 65_535);
        if (port != 0 && (port == adminPort || port == userPort)) {
            throw new ConfigException(PORT + " (" + port + ") must differ from " + ADMIN_PORT + " and " + USER_PORT);
        }
        return new QueueProxyConfig(
                s.string(BIND_ADDRESS, "0.0.0.0"),
                port,
                adminPort,
                userPort,
                cc,
                s.integer(QUEUE_DEPTH, defaultDepth, 0, 10_000_000),
                s.string(POD_NAME, s.string("HOSTNAME", "local")),
                s.arch(ARCH, Settings.hostArch()),
                s.seconds(REQUEST_TIMEOUT_SECONDS, FunctionDuration.parse(FunctionDefaults.TIMEOUT).orElseThrow()),
                s.seconds(DRAIN_SECONDS, Duration.ofSeconds(30)),
                s.secondsOrZero(DRAIN_LINGER_SECONDS, Duration.ofSeconds(1)));
    }
}
