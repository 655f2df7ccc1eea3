package dev.muserving.dataplane.activator;

import dev.muserving.dataplane.ConfigException;
import dev.muserving.dataplane.Settings;
import dev.muserving.routing.policy.RoutingPolicies;
import java.time.Duration;
import java.util.Map;

/**
 * The activator-lb's settings (docs/dataplane.md lists them with their defaults).
 *
 * @param domain functions answer at {@code <function>.<namespace>.<domain>}
 * @param routing the routing policy's name ({@link RoutingPolicies})
 * @param balancers event loops, each an independent balancer with its own view of the pods
 * @param maxBodyBytes larger request bodies are answered 413
 * @param holdLimit requests one balancer holds per function while no pod can take them; more get 503
 * @param defaultTimeout a function's request timeout when its route does not give one
 * @param headerTimeout a client connection that has not sent a whole request head this long after
 *     it opened is closed (0: never)
 * @param idleTimeout a client connection without a request in progress this long is closed (0: never)
 * @param bodyTimeout a request whose body the activator reads and of which no byte came this long
 *     gets 408 and its connection is closed (0: only the function's timeout bounds it)
 * @param bodyMinRate bytes a second a body streamed to a pod must keep up, on average, once the body
 *     timeout has passed, or it gets 408 (0: no rate asked for)
 * @param retryBufferBytes request bodies up to this size are read whole before they are sent, so
 *     that the request can go to another pod when the first did not pass it to the function (larger
 *     ones stream, and are retried only when no connection could be made)
 * @param maxAttempts pods tried for one request that failed (docs/dataplane.md, "Retries")
 * @param unreachableCooldown a pod that refused a connection is skipped this long
 * @param drainTimeout on shutdown, how long requests in flight get to finish
 * @param recheckInterval how often held requests are offered to the pods again, since a balancer
 *     does not see completions that go through other balancers
 * @param seed seeds the routing policies' random choices
 */
public record ActivatorConfig(
        String bindAddress,
        int port,
        String domain,
        String routing,
        int balancers,
        long maxBodyBytes,
        long retryBufferBytes,
        int holdLimit,
        Duration defaultTimeout,
        Duration headerTimeout,
        Duration idleTimeout,
        Duration bodyTimeout,
        long bodyMinRate,
        int maxAttempts,
        Duration unreachableCooldown,
        Duration drainTimeout,
        Duration recheckInterval,
        long seed) {

    public static final String BIND_ADDRESS = "MU_BIND_ADDRESS";
    public static final String PORT = "MU_PORT";
    public static final String DOMAIN = "MU_DOMAIN";
    public static final String ROUTING = "MU_ROUTING";
    public static final String BALANCERS = "MU_BALANCERS";
    public static final String MAX_BODY = "MU_MAX_BODY_BYTES";
    public static final String RETRY_BUFFER = "MU_RETRY_BUFFER_BYTES";
    public static final String HOLD_LIMIT = "MU_HOLD_LIMIT";
    public static final String TIMEOUT = "MU_DEFAULT_TIMEOUT_SECONDS";
    public static final String HEADER_TIMEOUT = "MU_HEADER_TIMEOUT_SECONDS";
    public static final String IDLE_TIMEOUT = "MU_IDLE_TIMEOUT_SECONDS";
    public static final String BODY_TIMEOUT = "MU_BODY_TIMEOUT_SECONDS";
    public static final String BODY_MIN_RATE = "MU_BODY_MIN_RATE";
    public static final String MAX_ATTEMPTS = "MU_MAX_ATTEMPTS";
    public static final String DRAIN_TIMEOUT = "MU_DRAIN_SECONDS";
    public static final String ENDPOINTS_FILE = "MU_ENDPOINTS_FILE";

    public ActivatorConfig {
        if (RoutingPolicies.byName(routing).isEmpty()) {
            throw new ConfigException("routing policy '" + routing + "' is unknown; known: " + String.join(", ", RoutingPolicies.names()));
        }
        if (headerTimeout.isNegative() || idleTimeout.isNegative() || bodyTimeout.isNegative()) {
            throw new ConfigException("headerTimeout, idleTimeout and bodyTimeout must be at least 0");
        }
        // as Settings.seconds refuses them in the environment; the Quarkus app builds this record from its own settings
        if (drainTimeout.toMillis() < 1 || defaultTimeout.toMillis() < 1) {
            throw new ConfigException(DRAIN_TIMEOUT + " and " + TIMEOUT + " must be more than 0, got "
                    + drainTimeout.toMillis() / 1000.0 + " s and " + defaultTimeout.toMillis() / 1000.0 + " s");
        }
        if (balancers < 1 || holdLimit < 0 || maxAttempts < 1 || maxBodyBytes < 0 || retryBufferBytes < 0 || bodyMinRate < 0) {
            throw new ConfigException("balancers and maxAttempts must be at least 1, holdLimit, maxBodyBytes, retryBufferBytes and bodyMinRate at least 0");
        }
    }

    /** nginx's client_header_timeout is 60 s; a request head is a few hundred bytes. */
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(30);
    /** nginx's keepalive_timeout. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(75);
    /** nginx's client_body_timeout: the longest wait for the next byte of a body, not for all of it. */
    public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(60);
    /**
     * Apache's mod_reqtimeout {@code MinRate}: a body streamed to a pod holds one of the function's
     * slots, so one that trickles in (a byte now and then, never a body timeout apart) is cut once
     * it falls this far behind, where nginx would have read it whole, off the function, first.
     */
    public static final long DEFAULT_BODY_MIN_RATE = 500;

    /** Envoy's default buffer limit; bodies of functions are mostly far smaller. */
    public static final long DEFAULT_RETRY_BUFFER_BYTES = 1024 * 1024;

    public static ActivatorConfig defaults() {
        return fromEnvironment(Map.of());
    }

    public static ActivatorConfig fromEnvironment(Map<String, String> env) {
        Settings s = new Settings(env);
        return new ActivatorConfig(
                s.string(BIND_ADDRESS, "0.0.0.0"),
                s.integer(PORT, 8080, 0, 65_535),
                s.string(DOMAIN, "example.com"),
                s.string(ROUTING, "mu"),
                s.integer(BALANCERS, Runtime.getRuntime().availableProcessors(), 1, 256),
                s.bytes(MAX_BODY, 10L * 1024 * 1024),
                s.bytes(RETRY_BUFFER, DEFAULT_RETRY_BUFFER_BYTES),
                s.integer(HOLD_LIMIT, 1_000, 0, 1_000_000),
                s.seconds(TIMEOUT, Duration.ofSeconds(300)),
                s.seconds(HEADER_TIMEOUT, DEFAULT_HEADER_TIMEOUT),
                s.seconds(IDLE_TIMEOUT, DEFAULT_IDLE_TIMEOUT),
                s.seconds(BODY_TIMEOUT, DEFAULT_BODY_TIMEOUT),
                s.bytes(BODY_MIN_RATE, DEFAULT_BODY_MIN_RATE),
                s.integer(MAX_ATTEMPTS, 3, 1, 10),
                Duration.ofSeconds(5),
                s.seconds(DRAIN_TIMEOUT, Duration.ofSeconds(30)),
                Duration.ofMillis(20),
                0);
    }

    public ActivatorConfig withPort(int newPort) {
        return new ActivatorConfig(bindAddress, newPort, domain, routing, balancers, maxBodyBytes, retryBufferBytes, holdLimit, defaultTimeout,
                headerTimeout, idleTimeout, bodyTimeout, bodyMinRate, maxAttempts, unreachableCooldown, drainTimeout, recheckInterval, seed);
    }

    public ActivatorConfig withRouting(String policy, int balancerCount) {
        return new ActivatorConfig(bindAddress, port, domain, policy, balancerCount, maxBodyBytes, retryBufferBytes, holdLimit, defaultTimeout,
                headerTimeout, idleTimeout, bodyTimeout, bodyMinRate, maxAttempts, unreachableCooldown, drainTimeout, recheckInterval, seed);
    }

    public ActivatorConfig withLimits(long bodyBytes, int held) {
        return new ActivatorConfig(bindAddress, port, domain, routing, balancers, bodyBytes, retryBufferBytes, held, defaultTimeout,
                headerTimeout, idleTimeout, bodyTimeout, bodyMinRate, maxAttempts, unreachableCooldown, drainTimeout, recheckInterval, seed);
    }

    public ActivatorConfig withRetryBuffer(long bytes) {
        return new ActivatorConfig(bindAddress, port, domain, routing, balancers, maxBodyBytes, bytes, holdLimit, defaultTimeout,
                headerTimeout, idleTimeout, bodyTimeout, bodyMinRate, maxAttempts, unreachableCooldown, drainTimeout, recheckInterval, seed);
    }

    public ActivatorConfig withClientTimeouts(Duration header, Duration idle) {
        return new ActivatorConfig(bindAddress, port, domain, routing, balancers, maxBodyBytes, retryBufferBytes, holdLimit, defaultTimeout,
                header, idle, bodyTimeout, bodyMinRate, maxAttempts, unreachableCooldown, drainTimeout, recheckInterval, seed);
    }

    public ActivatorConfig withBodyTimeout(Duration body) {
        return new ActivatorConfig(bindAddress, port, domain, routing, balancers, maxBodyBytes, retryBufferBytes, holdLimit, defaultTimeout,
                headerTimeout, idleTimeout, body, bodyMinRate, maxAttempts, unreachableCooldown, drainTimeout, recheckInterval, seed);
    }
}
