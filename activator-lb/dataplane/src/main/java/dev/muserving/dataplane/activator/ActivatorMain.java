package dev.muserving.dataplane.activator;

import dev.muserving.dataplane.AdminEndpoints;
import dev.muserving.dataplane.CannotListen;
import dev.muserving.dataplane.ConfigException;
import dev.muserving.dataplane.JvmMetrics;
import dev.muserving.dataplane.ServerVertx;
import dev.muserving.dataplane.Settings;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The activator-lb as its own process, on a file of endpoints ({@code MU_ENDPOINTS_FILE}); settings
 * from the environment ({@link ActivatorConfig}, docs/dataplane.md). Prometheus metrics (the JVM's
 * included) and readiness on {@code MU_ADMIN_PORT} (default 9090). The first line on standard output says where it
 * listens, which is how a parent that asked for port 0 learns the ports.
 */
public final class ActivatorMain {

    public static final String ADMIN_PORT = "MU_ADMIN_PORT";

    private ActivatorMain() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        ActivatorConfig config;
        Path endpoints;
        int adminPort;
        try {
            config = ActivatorConfig.fromEnvironment(env);
            Settings settings = new Settings(env);
            String file = settings.string(ActivatorConfig.ENDPOINTS_FILE, null);
            if (file == null) {
                throw new ConfigException(ActivatorConfig.ENDPOINTS_FILE + " is required: the YAML file listing functions and their pods");
            }
            endpoints = Path.of(file);
            adminPort = settings.integer(ADMIN_PORT, 9090, 0, 65_535);
        } catch (ConfigException e) {
            System.err.println("mu activator-lb: " + e.getMessage());
            System.exit(2);
            return;
        }
        FileEndpointSource source = new FileEndpointSource(endpoints, Duration.ofSeconds(1), config.defaultTimeout(),
                problem -> System.err.println("mu activator-lb: " + problem));
        try {
            source.read();
        } catch (ConfigException e) {
            System.err.println("mu activator-lb: " + e.getMessage());
            System.exit(2);
            return;
        }
        Vertx vertx = Vertx.vertx(ServerVertx.options(config.balancers() + 1));
        PrometheusMeterRegistry registry = JvmMetrics.bindTo(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        String address = ActivatorConfig.BIND_ADDRESS + " " + config.bindAddress();
        Activator activator = listening(vertx, Activator.start(vertx, config, source, MetricSink.NONE, DemandSignal.NONE, registry,
                Clock.systemUTC()), address, ActivatorConfig.PORT + " " + config.port());
        HttpServer admin = listening(vertx, AdminEndpoints.serve(vertx, config.bindAddress(), adminPort, "mu activator-lb", registry::scrape),
                address, ADMIN_PORT + " " + adminPort);
        System.out.printf("mu activator-lb: listening on %s:%d (routing %s, %d balancers), admin %d, endpoints %s%n",
                config.bindAddress(), activator.port(), config.routing(), config.balancers(), admin.actualPort(), endpoints);
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                activator.drain().toCompletionStage().toCompletableFuture().get(config.drainTimeout().toSeconds() + 5, TimeUnit.SECONDS);
                vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                System.err.println("mu activator-lb: shutdown: " + e);
            }
        }, "mu-activator-drain"));
    }

    /** What started, or the process ends: its event loops would keep a failed start running for good. */
    private static <T> T listening(Vertx vertx, Future<T> started, String address, String port) {
        try {
            return started.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            Optional<String> setting = CannotListen.why(e, address, port);
            System.err.println("mu activator-lb: cannot listen: " + setting.orElse(String.valueOf(e.getMessage())));
            vertx.close();
            System.exit(setting.isPresent() ? 2 : 1);
            throw new IllegalStateException(e);
        }
    }
}
