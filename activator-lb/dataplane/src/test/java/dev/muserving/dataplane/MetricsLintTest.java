package dev.muserving.dataplane;

import static dev.muserving.dataplane.testing.Http.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.muserving.api.Arch;
import dev.muserving.api.FunctionKey;
import dev.muserving.api.testing.Programs;
import dev.muserving.dataplane.activator.Activator;
import dev.muserving.dataplane.activator.ActivatorConfig;
import dev.muserving.dataplane.activator.DemandSignal;
import dev.muserving.dataplane.activator.Endpoint;
import dev.muserving.dataplane.activator.FunctionRoute;
import dev.muserving.dataplane.activator.MetricSink;
import dev.muserving.dataplane.activator.StaticEndpointSource;
import dev.muserving.dataplane.function.EmulatedFunction;
import dev.muserving.dataplane.queueproxy.QueueProxy;
import dev.muserving.dataplane.queueproxy.QueueProxyConfig;
import dev.muserving.dataplane.testing.Http;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Both components' Prometheus output passes `promtool check metrics` (names, units, suffixes). */
@ExtendWith(VertxExtension.class)
class MetricsLintTest {

    @BeforeAll
    static void needsPromtool() {
        Assumptions.assumeTrue(Programs.onPath("promtool"),
                "promtool is not installed (Debian: apt-get install prometheus); ./test.sh installs it when run as root");
    }

    @Test
    void theQueueProxysAndTheActivatorsMetricsPassPromtool(Vertx vertx) throws Exception {
        EmulatedFunction fn = new EmulatedFunction("echo", 0, 1, 0);
        await(vertx.deployVerticle(fn));
        QueueProxy qp = new QueueProxy(new QueueProxyConfig("127.0.0.1", 0, 0, fn.port(), 2, 20, "echo-0", Arch.AMD64,
                Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ZERO), Clock.systemUTC());
        qp.bindJvmMetrics();
        await(vertx.deployVerticle(qp));
        PrometheusMeterRegistry registry = JvmMetrics.bindTo(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        Activator activator = await(Activator.start(vertx, ActivatorConfig.defaults().withPort(0).withRouting("mu", 1),
                new StaticEndpointSource(List.of(new FunctionRoute(new FunctionKey("demo", "echo"), 2, Duration.ofSeconds(30),
                        List.of(new Endpoint("echo-0", "127.0.0.1", qp.port(), Arch.AMD64))))),
                MetricSink.NONE, DemandSignal.NONE, registry, Clock.systemUTC()));
        Http http = new Http(vertx);
        for (int i = 0; i < 5; i++) {
            assertThat(Http.await(http.get(activator.port(), "/fn/demo/echo/", Map.of())).status()).isEqualTo(200);
        }
        assertThat(Http.await(http.get(activator.port(), "/fn/demo/none/", Map.of())).status()).isEqualTo(404);
        await().until(() -> registry.scrape().contains("mu_pod_queue_length"));

        String queueProxyMetrics = Http.await(http.get(qp.adminPort(), "/metrics", Map.of())).body();
        assertThat(promtool(queueProxyMetrics)).isEmpty();
        assertThat(promtool(registry.scrape())).isEmpty();
        // the JVM's meters, which lb-bench reads for the bytes a request allocates
        assertThat(queueProxyMetrics).contains(JvmMetrics.THREADS_ALLOCATED_SERIES, "jvm_memory_used_bytes");
        assertThat(registry.scrape()).contains(JvmMetrics.THREADS_ALLOCATED_SERIES, "jvm_memory_used_bytes", "jvm_threads_live_threads");
    }

    /** promtool's complaints about the exposition, empty when it passes. */
    private static String promtool(String exposition) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        process.getOutputStream().write(exposition.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return process.exitValue() == 0 ? "" : output;
    }
}
