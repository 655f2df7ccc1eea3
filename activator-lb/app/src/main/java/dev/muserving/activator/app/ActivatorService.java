package dev.muserving.activator.app;

import dev.muserving.activator.kubernetes.KubernetesEndpointSource;
import dev.muserving.api.FunctionDefaults;
import dev.muserving.api.InstanceName;
import dev.muserving.dataplane.AdminEndpoints;
import dev.muserving.dataplane.CannotListen;
import dev.muserving.dataplane.JvmMetrics;
import dev.muserving.dataplane.activator.Activator;
import dev.muserving.dataplane.activator.ActivatorConfig;
import dev.muserving.dataplane.activator.DemandSignal;
import dev.muserving.dataplane.activator.EndpointSource;
import dev.muserving.dataplane.activator.FileEndpointSource;
import dev.muserving.dataplane.activator.MetricSink;
import dev.muserving.dataplane.stream.MetricStreamClient;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Starts the activator-lb on Quarkus' Vert.x with the app's settings: functions and pods from the
 * Kubernetes API (or a file, without a cluster), snapshots and demand to the controller over the
 * metric stream; serves {@code /metrics} and {@code /ready} on the admin port; drains on shutdown.
 */
@ApplicationScoped
public class ActivatorService {

    private static final Logger LOG = Logger.getLogger(ActivatorService.class);

    @Inject
    Vertx vertx;

    @Inject
    ActivatorSettings settings;

    @Inject
    Instance<KubernetesClient> kubernetes;

    @Inject
    PrometheusMeterRegistry registry;

    /** Not before the functions are known, nor once stopping. */
    private volatile boolean ready;
    private Activator activator;
    private HttpServer admin;
    private MetricStreamClient stream;

    @Produces
    @Singleton
    static PrometheusMeterRegistry prometheus() {
        return JvmMetrics.bindTo(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    void onStart(@Observes StartupEvent event) throws Exception {
        ActivatorConfig config = settings.toConfig();
        EndpointSource source = settings.endpointsFile()
                .<EndpointSource>map(file -> new FileEndpointSource(file, Duration.ofSeconds(1), config.defaultTimeout(), LOG::warn))
                .orElseGet(() -> new KubernetesEndpointSource(kubernetes.get(), LOG::warn, LOG::info));
        MetricSink sink = MetricSink.NONE;
        DemandSignal demand = DemandSignal.NONE;
        if (settings.controller().isPresent()) {
            stream = new MetricStreamClient(vertx, settings.controller().get(), replicaName(), Clock.systemUTC(), LOG::info);
            Gauge.builder("mu.metric.stream.connected", stream, s -> s.connected() ? 1 : 0)
                    .description("Whether the metric stream to the controller is up").register(registry);
            Gauge.builder("mu.metric.stream.dropped.frames", stream, MetricStreamClient::framesDropped)
                    .description("Metric stream frames given up while the controller was away").register(registry);
            stream.start();
            sink = stream;
            demand = stream;
        } else {
            LOG.warn("mu.controller is not set: no controller hears this activator's traffic, so nothing autoscales on it");
        }
        String address = "mu.bind-address " + config.bindAddress();
        activator = listening(Activator.start(vertx, config, source, sink, demand, registry, Clock.systemUTC()), 60, address,
                "mu.port " + config.port());
        // open before the first list, which may take a while on a large cluster: a liveness probe on
        // this port must not restart a replica that is only starting; /ready fails until it is done
        admin = listening(AdminEndpoints.serve(vertx, config.bindAddress(), settings.adminPort(), "mu activator-lb", registry::scrape, () -> ready),
                30, address, "mu.admin-port " + settings.adminPort());
        if (source instanceof KubernetesEndpointSource kubernetesSource) {
            if (settings.defaultTimeoutSeconds().isPresent()) {
                LOG.warn("mu.default-timeout-seconds is for an endpoints file: on Kubernetes each Function's spec.timeout rules "
                        + "(" + FunctionDefaults.TIMEOUT + " when it gives none), as it does for its queue-proxies");
            }
            Gauge.builder("mu.kubernetes.watching", kubernetesSource, s -> s.watching() ? 1 : 0)
                    .description("Whether the watches on Functions, EndpointSlices and Nodes are up (0: routing on what was known)")
                    .register(registry);
            kubernetesSource.awaitSynced(Duration.ofSeconds(90));
        }
        ready = true;
        LOG.infof("mu activator-lb: listening on %s:%d (routing %s, %d balancers), admin %d, functions from %s, metric stream to %s",
                config.bindAddress(), activator.port(), config.routing(), config.balancers(), admin.actualPort(),
                settings.endpointsFile().map(Object::toString).orElse("the Kubernetes API"),
                settings.controller().map(Object::toString).orElse("nowhere"));
    }

    void onStop(@Observes ShutdownEvent event) throws Exception {
        ready = false;
        if (activator != null && !settings.drainDelay().isZero()) {
            LOG.infof("mu activator-lb: stopping; not ready, serving on for %s before draining", settings.drainDelay());
            Thread.sleep(settings.drainDelay().toMillis()); // requests keep coming while the endpoints learn we go
        }
        if (activator != null) {
            activator.drain().toCompletionStage().toCompletableFuture()
                    .get(settings.toConfig().drainTimeout().toSeconds() + 5, TimeUnit.SECONDS);
        }
        if (stream != null) {
            stream.close();
        }
    }

    /** What started; a port in use or an address that is none is a one-line start-up failure naming the setting. */
    private static <T> T listening(Future<T> started, int seconds, String address, String port) throws Exception {
        try {
            return started.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Optional<String> why = CannotListen.why(e, address, port);
            if (why.isPresent()) {
                throw new ConfigurationException("mu activator-lb cannot listen: " + why.get());
            }
            throw e;
        }
    }

    private String replicaName() {
        return settings.replicaName().orElseGet(() -> InstanceName.of(System.getenv(), "mu-activator-lb"));
    }

    public int port() {
        return activator.port();
    }

    public int adminPort() {
        return admin.actualPort();
    }

    /** The metric stream to the controller; null when none is configured. */
    public MetricStreamClient stream() {
        return stream;
    }
}
