package dev.muserving.activator.app;

import dev.muserving.dataplane.ConfigException;
import dev.muserving.dataplane.Settings;
import dev.muserving.dataplane.activator.ActivatorConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * The app's one typed place for configuration. The names are those of the environment variables
 * the activator documents (docs/dataplane.md): {@code MU_PORT} is {@code mu.port}, and so on.
 */
@ConfigMapping(prefix = "mu")
public interface ActivatorSettings {

    @WithDefault("0.0.0.0")
    String bindAddress();

    @WithDefault("8080")
    int port();

    @WithDefault("9090")
    int adminPort();

    @WithDefault("example.com")
    String domain();

    @WithDefault("mu")
    String routing();

    /** Event loops; the number of cores when not set. */
    OptionalInt balancers();

    @WithDefault("10Mi")
    String maxBodyBytes();

    /** Request bodies up to this size are read whole, so that they can be sent to another pod. */
    @WithDefault("1Mi")
    String retryBufferBytes();

    @WithDefault("1000")
    int holdLimit();

    /**
     * A function's timeout when its entry in the endpoints file gives none. Not for the Kubernetes
     * API: there each Function's {@code spec.timeout} (default 300 s) rules, as its queue-proxies' does.
     */
    OptionalDouble defaultTimeoutSeconds();

    /** A client connection that has not sent a whole request head this long after it opened is closed; 0 never. */
    @WithDefault("30")
    double headerTimeoutSeconds();

    /** A client connection without a request in progress this long is closed; 0 never. */
    @WithDefault("75")
    double idleTimeoutSeconds();

    /** A request whose body stopped arriving (no byte this long) gets 408; 0: only its function's timeout bounds it. */
    @WithDefault("60")
    double bodyTimeoutSeconds();

    /**
     * Bytes a second a body streamed to a pod must keep up on average once the body timeout has
     * passed, or it gets 408 (Apache's MinRate); 0 asks for none.
     */
    @WithDefault("500")
    String bodyMinRate();

    @WithDefault("3")
    int maxAttempts();

    @WithDefault("30")
    double drainSeconds();

    /**
     * On SIGTERM, how long to go on serving with {@code /ready} failing before the drain starts, so
     * that whatever routes by readiness (a Service's endpoints, a load balancer) stops sending here
     * first; Knative's activator waits the same way. 0 outside a cluster.
     */
    @WithDefault("0S")
    Duration drainDelay();

    /**
     * Functions and their pods from a file (docs/dataplane.md, "Endpoints file"), for running
     * without a cluster; without it, from the Kubernetes API (Function resources and EndpointSlices).
     */
    Optional<Path> endpointsFile();

    /**
     * The controller's metric stream, {@code ws://host:port}: where the per-second snapshots and the
     * demand for functions at zero go. Without it nothing autoscales on this activator's traffic.
     */
    Optional<URI> controller();

    /** This replica's name on the metric stream; the pod name in a cluster. Default: host name and process id. */
    Optional<String> replicaName();

    Optional<Long> seed();

    /** The core's configuration, through the same checks as the standalone activator's. */
    default ActivatorConfig toConfig() {
        ActivatorConfig defaults = ActivatorConfig.defaults();
        if (drainDelay().isNegative()) {
            throw new ConfigException("mu.drain-delay (MU_DRAIN_DELAY) must be at least 0, got " + drainDelay());
        }
        long bodyBytes = Settings.bytes("mu.max-body-bytes", maxBodyBytes());
        long retryBytes = Settings.bytes("mu.retry-buffer-bytes", retryBufferBytes());
        return new ActivatorConfig(bindAddress(), port(), domain(), routing(),
                balancers().orElse(Runtime.getRuntime().availableProcessors()), bodyBytes, retryBytes, holdLimit(),
                defaultTimeoutSeconds().isPresent() ? Duration.ofMillis(Math.round(defaultTimeoutSeconds().getAsDouble() * 1000))
                        : defaults.defaultTimeout(),
                Duration.ofMillis(Math.round(headerTimeoutSeconds() * 1000)),
                Duration.ofMillis(Math.round(idleTimeoutSeconds() * 1000)), Duration.ofMillis(Math.round(bodyTimeoutSeconds() * 1000)),
                Settings.bytes("mu.body-min-rate", bodyMinRate()), maxAttempts(), defaults.unreachableCooldown(),
                Duration.ofMillis(Math.round(drainSeconds() * 1000)), defaults.recheckInterval(), seed().orElse(0L));
    }
}
