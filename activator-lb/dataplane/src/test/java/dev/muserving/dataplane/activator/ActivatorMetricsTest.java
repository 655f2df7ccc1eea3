package dev.muserving.dataplane.activator;

import static dev.muserving.dataplane.testing.Http.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.muserving.api.Arch;
import dev.muserving.api.FunctionKey;
import dev.muserving.dataplane.queueproxy.QueueProxy;
import dev.muserving.dataplane.queueproxy.QueueProxyConfig;
import dev.muserving.dataplane.testing.HeldFunction;
import dev.muserving.dataplane.testing.Http;
import dev.muserving.dataplane.testing.Http.Response;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A deleted Function's series leave /metrics once its last request finished: a function deleted
 * while it waited for a pod kept {@code mu_buffered_requests > 0 and mu_ready_pods == 0}, which
 * MuScaleFromZeroStuck (charts/mu) alerts on, for ever.
 */
@ExtendWith(VertxExtension.class)
class ActivatorMetricsTest {

    private static final FunctionKey HELD = new FunctionKey("demo", "held");
    private static final String PATH = "/fn/demo/held/";
    private static final String SERIES = "{function=\"held\",namespace=\"demo\"}";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    /** Knative's routing with containerConcurrency 1: a request the pod cannot take waits in the activator. */
    private static FunctionRoute route(Endpoint... endpoints) {
        return new FunctionRoute(HELD, 1, Duration.ofSeconds(30), List.of(endpoints));
    }

    private Activator activator(Vertx vertx, StaticEndpointSource source) {
        return await(Activator.start(vertx, ActivatorConfig.defaults().withPort(0).withRouting("knative", 1), source,
                MetricSink.NONE, DemandSignal.NONE, registry, Clock.systemUTC()));
    }

    private static Endpoint pod(Vertx vertx, HeldFunction fn) {
        await(vertx.deployVerticle(fn));
        QueueProxy qp = new QueueProxy(new QueueProxyConfig("127.0.0.1", 0, 0, fn.port(), 1, 10, "held-0", Arch.AMD64,
                Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ZERO), Clock.systemUTC());
        await(vertx.deployVerticle(qp));
        return new Endpoint("held-0", "127.0.0.1", qp.port(), Arch.AMD64);
    }

    private List<String> heldSeries() {
        return registry.scrape().lines().filter(line -> line.contains("function=\"held\"")).toList();
    }

    private static List<CompletableFuture<Response>> send(Http http, Activator activator, int count) {
        List<CompletableFuture<Response>> responses = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            responses.add(http.get(activator.port(), PATH, Map.of()));
        }
        return responses;
    }

    @Test
    void aFunctionDeletedWhileItWaitedForItsFirstPodLeavesNoSeriesBehind(Vertx vertx) {
        StaticEndpointSource source = new StaticEndpointSource(List.of(route()));
        Activator activator = activator(vertx, source);
        List<CompletableFuture<Response>> waiting = send(new Http(vertx), activator, 4);
        await().until(() -> registry.scrape().contains("mu_buffered_requests" + SERIES + " 4.0"));
        assertThat(registry.scrape()).contains("mu_ready_pods" + SERIES + " 0.0");

        source.set(List.of());

        assertThat(waiting).allSatisfy(r -> assertThat(Http.await(r).status()).isEqualTo(503));
        await().untilAsserted(() -> assertThat(heldSeries()).isEmpty());
    }

    @Test
    void aDeletedFunctionsGaugesTellTheTruthUntilItsLastRequestFinishesThenItsSeriesGoAndComeBackWithIt(Vertx vertx) {
        HeldFunction fn = new HeldFunction();
        Endpoint pod = pod(vertx, fn);
        StaticEndpointSource source = new StaticEndpointSource(List.of(route(pod)));
        Activator activator = activator(vertx, source);
        Http http = new Http(vertx);
        CompletableFuture<Response> served = http.get(activator.port(), PATH, Map.of());
        await().until(() -> fn.held() == 1);
        fn.release(1);
        assertThat(Http.await(served).status()).isEqualTo(200);
        CompletableFuture<Response> running = http.get(activator.port(), PATH, Map.of());
        await().until(() -> fn.held() == 1);
        List<CompletableFuture<Response>> waiting = send(http, activator, 2); // the pod's one slot is taken
        await().until(() -> registry.scrape().contains("mu_buffered_requests" + SERIES + " 2.0"));

        source.set(List.of());
        assertThat(waiting).allSatisfy(r -> assertThat(Http.await(r).status()).isEqualTo(503));
        await().untilAsserted(() -> assertThat(registry.scrape()).contains("mu_buffered_requests" + SERIES + " 0.0",
                "mu_inflight_requests" + SERIES + " 1.0", "mu_ready_pods" + SERIES + " 0.0"));
        fn.release(1);
        assertThat(Http.await(running).status()).isEqualTo(200);
        await().untilAsserted(() -> assertThat(heldSeries()).isEmpty());

        source.set(List.of(route(pod)));
        CompletableFuture<Response> again = http.get(activator.port(), PATH, Map.of());
        await().until(() -> fn.held() == 1);
        fn.release(1);
        assertThat(Http.await(again).status()).isEqualTo(200);
        // new series: the two 200s before the deletion are not in the count
        await().untilAsserted(() -> assertThat(registry.scrape()).contains(
                "mu_requests_total{code=\"200\",function=\"held\",namespace=\"demo\"} 1.0", "mu_ready_pods" + SERIES + " 1.0"));
    }

    /** Found by an outside probe: series that first showed up at N had no increase in Prometheus. */
    @Test
    void aKnownFunctionsSeriesStartAtZeroBeforeItsFirstRequest() {
        ActivatorMetrics metrics = new ActivatorMetrics(registry);
        metrics.laneOpened(HELD);
        assertThat(registry.scrape()).contains(
                "mu_requests_total{code=\"200\",function=\"held\",namespace=\"demo\"} 0.0",
                "mu_requests_total{code=\"503\",function=\"held\",namespace=\"demo\"} 0.0",
                "mu_request_duration_seconds_count" + SERIES + " 0",
                "mu_buffered_requests" + SERIES + " 0.0", "mu_ready_pods" + SERIES + " 0.0");
        metrics.finished(HELD, 418, 1_000_000);
        assertThat(registry.find("mu.requests").tag("function", "held").tag("code", "418").counter().count()).isEqualTo(1);
    }

    @Test
    void aFunctionsMetersStayWhileAnyBalancerHasALaneForIt() {
        ActivatorMetrics metrics = new ActivatorMetrics(registry);
        metrics.laneOpened(HELD);
        metrics.laneOpened(HELD);
        metrics.finished(HELD, 200, 1_000_000);
        metrics.laneClosed(HELD);
        assertThat(registry.find("mu.requests").tag("function", "held").tag("code", "200").counter().count()).isEqualTo(1);

        metrics.laneClosed(HELD);
        assertThat(registry.find("mu.requests").tag("function", "held").counters()).isEmpty();
        assertThat(registry.find("mu.request.duration").tag("function", "held").timers()).isEmpty();

        metrics.laneOpened(HELD);
        metrics.finished(HELD, 200, 1_000_000);
        assertThat(registry.find("mu.requests").tag("function", "held").tag("code", "200").counter().count()).isEqualTo(1);
    }
}
