package dev.muserving.activator.app;

import dev.muserving.dataplane.AdminEndpoints;
import dev.muserving.dataplane.activator.Activator;
import dev.muserving.dataplane.activator.ActivatorConfig;
import dev.muserving.dataplane.activator.EndpointSource;
import dev.muserving.dataplane.activator.FileEndpointSource;
import dev.muserving.dataplane.activator.FunctionRoute;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Starts the activator-lb on Quarkus' Vert.x with the app's settings, the file of endpoints, the
 * metric stream and the in-process autoscaler; serves {@code /metrics} and {@code /ready} on the
 * admin port; drains on shutdown.
 */
@ApplicationScoped
public class ActivatorService {

    private static final Logger LOG = Logger.getLogger(ActivatorService.class);

    @Inject
    Vertx vertx;

    @Inject
    ActivatorSettings settings;

    @Inject
    MetricStream stream;

    @Inject
    AutoscalerFeed feed;

    @Inject
    PrometheusMeterRegistry registry;

    private Activator activator;
    private HttpServer admin;

    @Produces
    @Singleton
    static PrometheusMeterRegistry prometheus() {
        return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }

    void onStart(@Observes StartupEvent event) throws Exception {
        ActivatorConfig config = settings.toConfig();
        FileEndpointSource file = new FileEndpointSource(settings.endpointsFile(), Duration.ofSeconds(1), config.defaultTimeout(),
                problem -> LOG.warn(problem));
        feed.start();
        EndpointSource source = new EndpointSource() {
            @Override
            public void start(Consumer<List<FunctionRoute>> onChange) {
                file.start(routes -> {
                    feed.routes(routes);
                    onChange.accept(routes);
                });
            }

            @Override
            public void close() {
                file.close();
            }
        };
        activator = Activator.start(vertx, config, source, stream, feed::demand, registry, Clock.systemUTC())
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        admin = AdminEndpoints.serve(vertx, config.bindAddress(), settings.adminPort(), "mu activator-lb", registry::scrape)
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        LOG.infof("mu activator-lb: listening on %s:%d (routing %s, %d balancers), admin %d, endpoints %s",
                config.bindAddress(), activator.port(), config.routing(), config.balancers(), admin.actualPort(), settings.endpointsFile());
    }

    void onStop(@Observes ShutdownEvent event) throws Exception {
        if (activator != null) {
            activator.drain().toCompletionStage().toCompletableFuture()
                    .get(settings.toConfig().drainTimeout().toSeconds() + 5, TimeUnit.SECONDS);
        }
    }

    public int port() {
        return activator.port();
    }

    public int adminPort() {
        return admin.actualPort();
    }
}
