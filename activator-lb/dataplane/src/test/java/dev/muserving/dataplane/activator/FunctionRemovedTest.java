package dev.muserving.dataplane.activator;

import static dev.muserving.dataplane.testing.Http.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.muserving.api.Arch;
import dev.muserving.api.FunctionKey;
import dev.muserving.api.MetricSnapshot;
import dev.muserving.dataplane.function.EmulatedFunction;
import dev.muserving.dataplane.queueproxy.QueueProxy;
import dev.muserving.dataplane.queueproxy.QueueProxyConfig;
import dev.muserving.dataplane.testing.Http;
import dev.muserving.dataplane.testing.Http.Response;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A Function deleted while requests wait in the activator for its first pod (a bad image, say). */
@ExtendWith(VertxExtension.class)
class FunctionRemovedTest {

    private static final FunctionKey HELD = new FunctionKey("demo", "held");
    private static final FunctionKey ECHO = new FunctionKey("demo", "echo");

    private final List<MetricSnapshot> snapshots = new CopyOnWriteArrayList<>();

    private static Endpoint pod(Vertx vertx, String name) {
        EmulatedFunction fn = new EmulatedFunction(name, 0, 1, 0);
        await(vertx.deployVerticle(fn));
        QueueProxy qp = new QueueProxy(new QueueProxyConfig("127.0.0.1", 0, 0, fn.port(), 0, 100, name, Arch.AMD64,
                Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ZERO), Clock.systemUTC());
        await(vertx.deployVerticle(qp));
        return new Endpoint(name, "127.0.0.1", qp.port(), Arch.AMD64);
    }

    private static FunctionRoute route(FunctionKey function, Endpoint... endpoints) {
        return new FunctionRoute(function, 0, Duration.ofSeconds(30), List.of(endpoints));
    }

    @Test
    void eachHeldRequestGets503AndTheBalancerGoesOnServingTheOtherFunctionsAndTheFunctionWhenItComesBack(Vertx vertx) {
        // answering the last held request used to drop the lane from the map the removal was iterating over
        List<Throwable> uncaught = new CopyOnWriteArrayList<>();
        vertx.exceptionHandler(uncaught::add);
        Endpoint echoPod = pod(vertx, "echo-0");
        StaticEndpointSource source = new StaticEndpointSource(List.of(route(HELD), route(ECHO, echoPod)));
        // one balancer, so that it holds all four
        Activator activator = await(Activator.start(vertx, ActivatorConfig.defaults().withPort(0).withRouting("mu", 1), source,
                snapshots::add, DemandSignal.NONE, new SimpleMeterRegistry(), Clock.systemUTC()));
        Http http = new Http(vertx);
        List<CompletableFuture<Response>> waiting = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            waiting.add(http.get(activator.port(), "/fn/demo/held/", Map.of()));
        }
        await().until(() -> snapshots.stream().anyMatch(s -> s.function().equals("demo/held") && s.bufferedRequests() == 4));

        source.set(List.of(route(ECHO, echoPod)));

        assertThat(waiting).allSatisfy(r -> {
            Response response = Http.await(r);
            assertThat(response.status()).isEqualTo(503);
            assertThat(response.body()).isEqualTo("mu: function demo/held was removed while this request waited for a pod\n");
        });
        assertThat(await(http.get(activator.port(), "/fn/demo/echo/", Map.of())).status()).isEqualTo(200);
        assertThat(await(http.get(activator.port(), "/fn/demo/held/", Map.of())).status()).isEqualTo(404);
        source.set(List.of(route(HELD, pod(vertx, "held-0")), route(ECHO, echoPod)));
        await().untilAsserted(() -> assertThat(await(http.get(activator.port(), "/fn/demo/held/", Map.of())).status()).isEqualTo(200));
        assertThat(uncaught).isEmpty();
    }
}
