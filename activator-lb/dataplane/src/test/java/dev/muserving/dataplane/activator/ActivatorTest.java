package dev.muserving.dataplane.activator;

import static dev.muserving.dataplane.testing.Http.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.muserving.api.Arch;
import dev.muserving.api.FunctionKey;
import dev.muserving.api.FunctionSpec;
import dev.muserving.api.MetricSnapshot;
import dev.muserving.api.MuHeaders;
import dev.muserving.dataplane.function.EmulatedFunction;
import dev.muserving.dataplane.queueproxy.QueueProxy;
import dev.muserving.dataplane.queueproxy.QueueProxyConfig;
import dev.muserving.dataplane.testing.HeldFunction;
import dev.muserving.dataplane.testing.ClosedPort;
import dev.muserving.dataplane.testing.Http;
import dev.muserving.dataplane.testing.ManualClock;
import dev.muserving.dataplane.testing.RawClient;
import dev.muserving.dataplane.testing.Http.Response;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import dev.muserving.dataplane.ConfigException;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class ActivatorTest {

    private static final FunctionKey ECHO = new FunctionKey("demo", "echo");

    private final List<MetricSnapshot> snapshots = new CopyOnWriteArrayList<>();
    private final List<FunctionKey> demands = new CopyOnWriteArrayList<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private static ActivatorConfig config() {
        return ActivatorConfig.defaults().withPort(0).withRouting("mu", 2);
    }

    /** A pod: a queue-proxy in front of the given user container port. */
    private static Endpoint pod(Vertx vertx, String name, int userPort, int cc) {
        QueueProxy qp = new QueueProxy(new QueueProxyConfig("127.0.0.1", 0, 0, userPort, cc, 10 * Math.max(cc, 1), name,
                Arch.AMD64, Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ZERO), Clock.systemUTC());
        await(vertx.deployVerticle(qp));
        return new Endpoint(name, "127.0.0.1", qp.port(), Arch.AMD64);
    }

    private static Endpoint emulatedPod(Vertx vertx, String name, double serviceMs) {
        EmulatedFunction fn = new EmulatedFunction(name, 0, serviceMs, 0);
        await(vertx.deployVerticle(fn));
        return pod(vertx, name, fn.port(), 0);
    }

    private static FunctionRoute route(Duration timeout, Endpoint... endpoints) {
        return new FunctionRoute(ECHO, 0, timeout, List.of(endpoints));
    }

    private Activator activator(Vertx vertx, ActivatorConfig config, EndpointSource source) {
        return await(Activator.start(vertx, config, source, snapshots::add, demands::add, registry, Clock.systemUTC()));
    }

    @Test
    void routesByPathAndByHostAndNoMuHeaderCrossesEitherWay(Vertx vertx) {
        HeldFunction fn = new HeldFunction();
        await(vertx.deployVerticle(fn));
        Activator activator = activator(vertx, config(), new StaticEndpointSource(List.of(route(Duration.ofSeconds(30),
                pod(vertx, "echo-0", fn.port(), 1)))));
        Http http = new Http(vertx);

        CompletableFuture<Response> byPath = http.get(activator.port(), "/fn/demo/echo/hello?x=1",
                Map.of("Mu-Pod", "evil", "mu-queue-length", "0", "X-Kept", "yes"));
        await().until(() -> fn.held() == 1);
        fn.release(1);
        Response r = Http.await(byPath);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("released /hello\n");
        assertThat(r.headers().names()).noneMatch(MuHeaders::isInternal);
        assertThat(fn.requestHeaders().get(0).names()).noneMatch(MuHeaders::isInternal).contains("X-Kept");
        assertThat(fn.requestHeaders().get(0).get("X-Forwarded-For")).isEqualTo("127.0.0.1");
        assertThat(fn.requestHeaders().get(0).get("X-Forwarded-Proto")).isEqualTo("http");
        assertThat(fn.requestHeaders().get(0).get("Forwarded")).startsWith("for=127.0.0.1;proto=http;host=");

        CompletableFuture<Response> byHost = http.get(activator.port(), "/abc", Map.of("Host", "echo.demo.example.com"));
        await().until(() -> fn.held() == 1);
        fn.release(1);
        assertThat(Http.await(byHost).body()).isEqualTo("released /abc\n");
        assertThat(fn.requestHeaders().get(1).get("Host")).isEqualTo("echo.demo.example.com");
    }

    @Test
    void anAbsoluteFormTargetNamesTheFunctionAndWithoutAnyHostTheFunctionSeesItsOwnName(Vertx vertx) {
        HeldFunction fn = new HeldFunction();
        await(vertx.deployVerticle(fn));
        Activator activator = activator(vertx, config(), new StaticEndpointSource(List.of(route(Duration.ofSeconds(30),
                pod(vertx, "echo-0", fn.port(), 1)))));
        // RFC 9112 §3.2.2: the target's authority wins over Host, and the function gets origin form and that authority
        try (RawClient client = new RawClient(activator.port())) {
            client.send("GET http://echo.demo.example.com/abc?x=1 HTTP/1.1\r\nHost: elsewhere.example.org\r\n\r\n");
            await().until(() -> fn.held() == 1);
            fn.release(1);
            assertThat(client.read().body()).isEqualTo("released /abc\n");
            assertThat(fn.requestHeaders().get(0).get("Host")).isEqualTo("echo.demo.example.com");
            assertThat(client.send("GET http://elsewhere.example.org/ HTTP/1.1\r\nHost: echo.demo.example.com\r\n\r\n").read().status())
                    .isEqualTo(404);
        }
        // HTTP/1.0 needs no Host: the function is told its own name, never the pod's address
        try (RawClient client = new RawClient(activator.port())) {
            client.send("GET /fn/demo/echo/p HTTP/1.0\r\n\r\n");
            await().until(() -> fn.held() == 1);
            fn.release(1);
            assertThat(client.read().status()).isEqualTo(200);
            assertThat(fn.requestHeaders().get(1).get("Host")).isEqualTo("echo.demo.example.com");
        }
    }

    @Test
    void largeHeadsPassBothWaysAsThroughNginxOrKnativesGatewayAndLargerOnesAre431(Vertx vertx) {
        // Netty's default of 8 KiB of headers refused cookies and tokens nginx passes, and turned a
        // function's large answer header into a 502
        HeldFunction fn = new HeldFunction().respondWith("X-Large-Answer", "a".repeat(20_000));
        await(vertx.deployVerticle(fn));
        Activator activator = activator(vertx, config(), new StaticEndpointSource(List.of(route(Duration.ofSeconds(30),
                pod(vertx, "echo-0", fn.port(), 1)))));
        try (RawClient client = new RawClient(activator.port())) {
            client.send("GET /fn/demo/echo/ HTTP/1.1\r\nHost: x\r\nCookie: " + "c".repeat(20_000) + "\r\n\r\n");
            await().until(() -> fn.held() == 1);
            fn.release(1);
            RawClient.Answer answer = client.read();
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.headers().get("x-large-answer")).hasSize(20_000);
            assertThat(fn.requestHeaders().get(0).get("Cookie")).hasSize(20_000);
        }
        try (RawClient client = new RawClient(activator.port())) {
            RawClient.Answer tooLarge = client.send("GET /fn/demo/echo/ HTTP/1.1\r\nHost: x\r\nCookie: " + "c".repeat(40_000) + "\r\n\r\n")
                    .read();
            assertThat(tooLarge.status()).isEqualTo(431);
            assertThat(tooLarge.body()).contains("(" + 32 * 1024 + " bytes in all)");
            await().atMost(Duration.ofSeconds(5)).until(client::closedByServer);
        }
    }

    @Test
    void unknownFunctionsAndUnaddressedRequestsGet404AndAFunctionNotServed503WithAReason(Vertx vertx) {
        StaticEndpointSource source = new StaticEndpointSource(List.of(route(Duration.ofSeconds(1)),
                FunctionRoute.notServed(new FunctionKey("demo", "bad"), "its spec is not valid (x)")));
        Activator activator = activator(vertx, config(), source);
        Http http = new Http(vertx);
        Response unknown = await(http.get(activator.port(), "/fn/demo/missing/", Map.of()));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body()).isEqualTo("mu: no function demo/missing\n");
        Response bad = await(http.get(activator.port(), "/fn/demo/bad/", Map.of()));
        assertThat(bad.status()).isEqualTo(503);
        assertThat(bad.body()).isEqualTo("mu: demo/bad is not served: its spec is not valid (x)\n");
        // once it is gone, it is unknown again
        source.set(List.of(route(Duration.ofSeconds(1))));
        await().untilAsserted(() -> assertThat(await(http.get(activator.port(), "/fn/demo/bad/", Map.of())).status()).isEqualTo(404));
        Response nowhere = await(http.get(activator.port(), "/", Map.of("Host", "localhost")));
        assertThat(nowhere.status()).isEqualTo(404);
        assertThat(nowhere.body()).contains("call /fn/<namespace>/<function>/");
    }

    @Test
    void oversizedBodiesGet413WhetherDeclaredOrChunked(Vertx vertx) {
        Activator activator = activator(vertx, config().withLimits(1024, 100), new StaticEndpointSource(List.of(
                route(Duration.ofSeconds(30), emulatedPod(vertx, "echo-0", 0)))));
        Http http = new Http(vertx);
        Buffer small = Buffer.buffer("x".repeat(1000));
        Buffer large = Buffer.buffer("x".repeat(5000));

        Response ok = await(http.send(HttpMethod.POST, activator.port(), "/fn/demo/echo/", Map.of(), small));
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo(small.toString());
        Response declared = await(http.send(HttpMethod.POST, activator.port(), "/fn/demo/echo/", Map.of(), large));
        assertThat(declared.status()).isEqualTo(413);
        assertThat(declared.body()).contains("5000 bytes").contains("limit of 1024 bytes");

        Response chunked = await(http.exchange(HttpMethod.POST, activator.port(), "/fn/demo/echo/", Map.of(), request -> {
            // the answer, not the end of the upload: the activator answers 413 once the body passes the
            // limit, and drops the rest until the client ends it (when it closed at once, the client's last
            // writes met a reset that could discard the answer: HostileClientTest has that case)
            Future<HttpClientResponse> response = request.response();
            request.setChunked(true);
            for (int i = 0; i < 10; i++) {
                request.write(Buffer.buffer("y".repeat(500)));
            }
            request.end();
            return response;
        }));
        assertThat(chunked.status()).isEqualTo(413);
    }

    @Test
    void requestsWaitForAFirstPodAndDemandItThenGoThroughOnceOneIsReady(Vertx vertx) {
        StaticEndpointSource source = new StaticEndpointSource(List.of(route(Duration.ofSeconds(30))));
        Activator activator = activator(vertx, config(), source);
        Http http = new Http(vertx);

        List<CompletableFuture<Response>> waiting = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            waiting.add(http.get(activator.port(), "/fn/demo/echo/", Map.of()));
        }
        await().until(() -> demands.contains(ECHO));
        await().until(() -> snapshots.stream().anyMatch(s -> s.bufferedRequests() == 5));
        assertThat(waiting).noneMatch(CompletableFuture::isDone);

        source.set(List.of(route(Duration.ofSeconds(30), emulatedPod(vertx, "echo-0", 1))));
        assertThat(waiting).allSatisfy(r -> assertThat(Http.await(r).status()).isEqualTo(200));
    }

    @Test
    void aFunctionRemovedAndAddedAgainIsServedAgain(Vertx vertx) {
        Endpoint pod = emulatedPod(vertx, "echo-0", 1);
        StaticEndpointSource source = new StaticEndpointSource(List.of(route(Duration.ofSeconds(30), pod)));
        Activator activator = activator(vertx, config(), source);
        Http http = new Http(vertx);
        assertThat(await(http.get(activator.port(), "/fn/demo/echo/", Map.of())).status()).isEqualTo(200);

        source.set(List.of());
        await().untilAsserted(() -> assertThat(await(http.get(activator.port(), "/fn/demo/echo/", Map.of())).status()).isEqualTo(404));
        source.set(List.of(route(Duration.ofSeconds(30), pod)));
        await().untilAsserted(() -> assertThat(await(http.get(activator.port(), "/fn/demo/echo/", Map.of())).status()).isEqualTo(200));
    }

    @Test
    void aRequestThatNeverFindsAPodGets504SayingWhy(Vertx vertx) {
        Activator activator = activator(vertx, config(), new StaticEndpointSource(List.of(route(Duration.ofMillis(300)))));
        Response r = await(new Http(vertx).get(activator.port(), "/fn/demo/echo/", Map.of()));
        assertThat(r.status()).isEqualTo(504);
        assertThat(r.body()).isEqualTo("mu: no pod of demo/echo was ready within 0.3 s (none started, or none became ready, in time)\n");
    }

    @Test
    void aFullHoldBufferAnswers503WithRetryAfter(Vertx vertx) {
        Activator activator = activator(vertx, config().withRouting("mu", 1).withLimits(1024, 2),
                new StaticEndpointSource(List.of(route(Duration.ofSeconds(30)))));
        Http http = new Http(vertx);
        http.get(activator.port(), "/fn/demo/echo/", Map.of());
        http.get(activator.port(), "/fn/demo/echo/", Map.of());
        await().until(() -> snapshots.stream().anyMatch(s -> s.bufferedRequests() == 2));
        Response refused = await(http.get(activator.port(), "/fn/demo/echo/", Map.of()));
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.header("Retry-After")).isEqualTo("1");
        assertThat(refused.body()).contains("demo/echo already has 2 requests waiting for a pod");
    }

    /**
     * One pod running one request at a time, a 100 ms objective, and a backlog in the balancer whose
     * oldest request is late: the order the routing policy asks for decides which held request the
     * pod gets next.
     */
    private List<String> orderAtThePod(Vertx vertx, String routing) {
        ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
        HeldFunction fn = new HeldFunction();
        await(vertx.deployVerticle(fn));
        FunctionSpec spec = new FunctionSpec(ECHO.toString(), 1, 100, 128, Set.of(Arch.AMD64), 100, 1, 0, 10);
        Activator activator = await(Activator.start(vertx, config().withRouting(routing, 1),
                new StaticEndpointSource(List.of(new FunctionRoute(ECHO, spec, Duration.ofSeconds(30), List.of(pod(vertx, "echo-0", fn.port(), 1))))),
                snapshots::add, demands::add, registry, clock));
        Http http = new Http(vertx);
        List<CompletableFuture<Response>> answers = new ArrayList<>();
        answers.add(http.get(activator.port(), "/fn/demo/echo/a", Map.of("X-Name", "a")));
        await().until(() -> fn.held() == 1);
        for (String name : List.of("b", "c")) {
            answers.add(http.get(activator.port(), "/fn/demo/echo/" + name, Map.of("X-Name", name)));
        }
        await().until(() -> arrivals() == 3);
        clock.advance(Duration.ofMillis(500)); // b and c are late now
        answers.add(http.get(activator.port(), "/fn/demo/echo/d", Map.of("X-Name", "d")));
        await().until(() -> arrivals() == 4);
        for (int served = 1; served <= 4; served++) {
            int atPod = served;
            await().until(() -> fn.held() == 1 && fn.requestHeaders().size() == atPod);
            fn.release(1);
        }
        assertThat(answers).allSatisfy(answer -> assertThat(Http.await(answer).status()).isEqualTo(200));
        return fn.requestHeaders().stream().map(headers -> headers.get("X-Name")).toList();
    }

    private long arrivals() {
        return snapshots.stream().mapToLong(MetricSnapshot::arrivals).sum();
    }

    @Test
    void behindALateBacklogMuSendsTheRequestThatCanStillBeOnTimeFirst(Vertx vertx) {
        // mu lets the pod queue one request (b) behind the running one; c and d wait in the balancer
        assertThat(orderAtThePod(vertx, "mu")).containsExactly("a", "b", "d", "c");
    }

    @Test
    void knativesActivatorSendsWhatItHoldsInArrivalOrder(Vertx vertx) {
        assertThat(orderAtThePod(vertx, "knative")).containsExactly("a", "b", "c", "d");
    }

    @Test
    void aPodThatRefusesConnectionsIsSkippedAndNoRequestIsLost(Vertx vertx) throws IOException {
        Endpoint dead = new Endpoint("echo-dead", "127.0.0.1", ClosedPort.find(), Arch.AMD64);
        Activator activator = activator(vertx, config().withRouting("round-robin", 1),
                new StaticEndpointSource(List.of(route(Duration.ofSeconds(30), dead, emulatedPod(vertx, "echo-1", 1)))));
        Http http = new Http(vertx);
        List<CompletableFuture<Response>> responses = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            responses.add(http.get(activator.port(), "/fn/demo/echo/", Map.of()));
        }
        assertThat(responses).allSatisfy(r -> assertThat(Http.await(r).status()).isEqualTo(200));
        assertThat(registry.get("mu.retries").counter().count()).isPositive();
    }

    @Test
    void aFunctionThatDoesNotAnswerInTimeGets504(Vertx vertx) {
        HeldFunction fn = new HeldFunction();
        await(vertx.deployVerticle(fn));
        Activator activator = activator(vertx, config(), new StaticEndpointSource(List.of(route(Duration.ofMillis(400),
                pod(vertx, "echo-0", fn.port(), 1)))));
        Response r = await(new Http(vertx).get(activator.port(), "/fn/demo/echo/", Map.of()));
        assertThat(r.status()).isEqualTo(504);
        assertThat(r.body()).isEqualTo("mu: demo/echo did not answer within 0.4 s\n");
    }

    @Test
    void drainFinishesWhatIsInFlightAndTurnsNewRequestsAway(Vertx vertx) {
        HeldFunction fn = new HeldFunction();
        await(vertx.deployVerticle(fn));
        Activator activator = activator(vertx, config().withRouting("mu", 1), new StaticEndpointSource(List.of(
                route(Duration.ofSeconds(30), pod(vertx, "echo-0", fn.port(), 4)))));
        Http http = new Http(vertx);
        List<CompletableFuture<Response>> inFlight = List.of(
                http.get(activator.port(), "/fn/demo/echo/a", Map.of()), http.get(activator.port(), "/fn/demo/echo/b", Map.of()));
        await().until(() -> fn.held() == 2);

        CompletableFuture<Void> drained = activator.drain().toCompletionStage().toCompletableFuture();
        Response turnedAway = await(new Http(vertx).get(activator.port(), "/fn/demo/echo/c", Map.of()));
        assertThat(turnedAway.status()).isEqualTo(503);
        assertThat(turnedAway.body()).contains("shutting down");
        assertThat(drained).isNotDone();

        fn.release(2);
        assertThat(inFlight).allSatisfy(r -> assertThat(Http.await(r).status()).isEqualTo(200));
        await().until(drained::isDone);
    }

    @Test
    void aRequestStillOpenWhenTheDrainTimeoutPassesGets503SayingSoAndTheSocketCloses(Vertx vertx) {
        HeldFunction fn = new HeldFunction();
        await(vertx.deployVerticle(fn));
        ActivatorConfig config = ActivatorConfig.fromEnvironment(Map.of(ActivatorConfig.PORT, "0", ActivatorConfig.BALANCERS, "1",
                ActivatorConfig.DRAIN_TIMEOUT, "0.5"));
        Activator activator = activator(vertx, config, new StaticEndpointSource(List.of(
                route(Duration.ofSeconds(30), pod(vertx, "echo-0", fn.port(), 1)))));
        Http http = new Http(vertx);
        CompletableFuture<Response> running = http.get(activator.port(), "/fn/demo/echo/running", Map.of());
        CompletableFuture<Response> waiting = http.get(activator.port(), "/fn/demo/echo/waiting", Map.of()); // behind it in the pod
        await().until(() -> fn.held() == 1);

        await(activator.drain()); // the function never answers

        for (CompletableFuture<Response> cut : List.of(running, waiting)) {
            Response r = Http.await(cut);
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.header("Connection")).isEqualTo("close");
            assertThat(r.body())
                    .isEqualTo("mu: this activator shut down before demo/echo answered (it gave the requests in progress 0.5 s once it began to stop)\n");
        }
    }

    /**
     * Found by an outside probe: the Quarkus app builds the settings itself, and a drain of 0 or less
     * passed, so that on SIGTERM Vert.x refused the drain's timer and the requests in flight got no answer.
     */
    @Test
    void aDrainOrDefaultTimeoutOfZeroOrLessIsRefusedHoweverTheSettingsAreMade() {
        ActivatorConfig d = ActivatorConfig.defaults();
        for (Duration drain : List.of(Duration.ZERO, Duration.ofSeconds(-1))) {
            assertThatThrownBy(() -> new ActivatorConfig(d.bindAddress(), d.port(), d.domain(), d.routing(), d.balancers(), d.maxBodyBytes(),
                    d.retryBufferBytes(), d.holdLimit(), d.defaultTimeout(), d.headerTimeout(), d.idleTimeout(), d.bodyTimeout(), d.bodyMinRate(),
                    d.maxAttempts(), d.unreachableCooldown(), drain, d.recheckInterval(), d.seed()))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("MU_DRAIN_SECONDS and MU_DEFAULT_TIMEOUT_SECONDS must be more than 0");
        }
        assertThatThrownBy(() -> ActivatorConfig.fromEnvironment(Map.of(ActivatorConfig.DRAIN_TIMEOUT, "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("MU_DRAIN_SECONDS must be a number of seconds above 0");
    }

    @Test
    void everySecondEachFunctionsSnapshotCountsArrivalsAndCarriesThePodsState(Vertx vertx) {
        Activator activator = activator(vertx, config(), new StaticEndpointSource(List.of(route(Duration.ofSeconds(30),
                emulatedPod(vertx, "echo-0", 2), emulatedPod(vertx, "echo-1", 2)))));
        Http http = new Http(vertx);
        List<CompletableFuture<Response>> responses = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            responses.add(http.get(activator.port(), "/fn/demo/echo/", Map.of()));
        }
        responses.forEach(Http::await);
        await().until(() -> snapshots.stream().mapToLong(MetricSnapshot::completions).sum() == 40);
        assertThat(snapshots.stream().mapToLong(MetricSnapshot::arrivals).sum()).isEqualTo(40);
        MetricSnapshot last = snapshots.get(snapshots.size() - 1);
        assertThat(last.function()).isEqualTo("demo/echo");
        assertThat(last.pods()).extracting(p -> p.pod()).containsExactlyInAnyOrder("echo-0", "echo-1");
        assertThat(last.pods()).allSatisfy(p -> assertThat(p.serviceRate()).isPositive());
        assertThat(registry.get("mu.requests").tag("code", "200").counter().count()).isEqualTo(40);
    }
}
