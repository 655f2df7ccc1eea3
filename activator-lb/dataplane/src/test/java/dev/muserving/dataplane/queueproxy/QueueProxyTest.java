package dev.muserving.dataplane.queueproxy;

import static dev.muserving.dataplane.testing.Http.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.muserving.api.Arch;
import dev.muserving.api.MuHeaders;
import dev.muserving.dataplane.testing.HeldFunction;
import dev.muserving.dataplane.testing.Http;
import dev.muserving.dataplane.testing.Http.Response;
import dev.muserving.dataplane.testing.RawClient;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import io.vertx.junit5.VertxExtension;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class QueueProxyTest {

    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private static QueueProxyConfig config(int userPort, int cc, int depth, Duration timeout) {
        return new QueueProxyConfig("127.0.0.1", 0, 0, userPort, cc, depth, "echo-amd64-1", Arch.AMD64, timeout, Duration.ofSeconds(10), Duration.ZERO);
    }

    private static HeldFunction function(Vertx vertx, HeldFunction function) {
        await(vertx.deployVerticle(function));
        return function;
    }

    private static QueueProxy queueProxy(Vertx vertx, QueueProxyConfig config) {
        QueueProxy proxy = new QueueProxy(config, CLOCK);
        await(vertx.deployVerticle(proxy));
        return proxy;
    }

    private static List<CompletableFuture<Response>> send(Http http, int port, int count) {
        List<CompletableFuture<Response>> responses = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            responses.add(http.get(port, "/r" + i, Map.of()));
        }
        return responses;
    }

    @Test
    void theConcurrencyLimitHoldsAndTheQueueLengthHeaderCountsWhatThePodHolds(Vertx vertx) {
        HeldFunction fn = function(vertx, new HeldFunction());
        QueueProxy qp = queueProxy(vertx, config(fn.port(), 2, 20, Duration.ofSeconds(30)));
        Http http = new Http(vertx);

        List<CompletableFuture<Response>> responses = send(http, qp.port(), 5);
        await().until(() -> fn.held() == 2);
        fn.release(1);
        // When the first response left, the pod held 5 requests: itself, one more running, 3 waiting.
        Response first = Http.await(CompletableFuture.anyOf(responses.toArray(CompletableFuture[]::new)).thenApply(Response.class::cast));
        assertThat(first.header(MuHeaders.QUEUE_LENGTH)).isEqualTo("4");
        await().until(() -> fn.held() == 2 && fn.served() == 1);
        fn.release(1);
        await().until(() -> responses.stream().filter(CompletableFuture::isDone).count() == 2);
        assertThat(responses.stream().filter(CompletableFuture::isDone).map(Http::await)
                .map(r -> r.header(MuHeaders.QUEUE_LENGTH))).containsExactlyInAnyOrder("4", "3");
        await().until(() -> fn.held() == 2);
        fn.release(2);
        await().until(() -> fn.held() == 1); // the fifth, admitted as a slot freed
        fn.release(1);
        assertThat(responses).allSatisfy(r -> assertThat(Http.await(r).status()).isEqualTo(200));
        assertThat(fn.maxHeld()).isEqualTo(2);
    }

    @Test
    void aFullQueueAnswers503WithRetryAfterAndThePodsState(Vertx vertx) {
        HeldFunction fn = function(vertx, new HeldFunction());
        QueueProxy qp = queueProxy(vertx, config(fn.port(), 1, 1, Duration.ofSeconds(30)));
        Http http = new Http(vertx);

        List<CompletableFuture<Response>> admitted = send(http, qp.port(), 2); // one running, one waiting
        await().until(() -> fn.held() == 1);
        Response refused = await(http.get(qp.port(), "/third", Map.of()));
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.header("Retry-After")).isEqualTo("1");
        assertThat(refused.header(MuHeaders.QUEUE_LENGTH)).isEqualTo("2");
        assertThat(refused.body()).contains("pod echo-amd64-1 is full (1 running, 1 waiting)");
        fn.release(1);
        await().until(() -> fn.held() == 1);
        fn.release(1);
        assertThat(admitted).allSatisfy(r -> assertThat(Http.await(r).status()).isEqualTo(200));
    }

    @Test
    void muHeadersFromTheClientNeverReachTheFunctionAndTheFunctionCannotSpoofThem(Vertx vertx) {
        HeldFunction fn = function(vertx, new HeldFunction().respondWith("Mu-Pod", "spoofed").respondWith("mu-queue-length", "999"));
        QueueProxy qp = queueProxy(vertx, config(fn.port(), 0, 0, Duration.ofSeconds(30)));
        Http http = new Http(vertx);

        CompletableFuture<Response> response = http.get(qp.port(), "/", Map.of(
                "Mu-Queue-Length", "0", "mu-service-rate", "1e9", "MU-POD", "evil", "X-Normal", "kept"));
        await().until(() -> fn.held() == 1);
        fn.release(1);
        Response r = await(response);

        assertThat(fn.requestHeaders().get(0).names()).noneMatch(MuHeaders::isInternal).contains("X-Normal");
        assertThat(r.headers().getAll(MuHeaders.POD)).containsExactly("echo-amd64-1");
        assertThat(r.header(MuHeaders.QUEUE_LENGTH)).isEqualTo("0");
        assertThat(r.header(MuHeaders.ARCH)).isEqualTo("amd64");
        assertThat(r.header(MuHeaders.TIMESTAMP)).isEqualTo(Long.toString(NOW.toEpochMilli()));
        // An unlimited pod reports the capped parallelism over its service time.
        assertThat(Double.parseDouble(r.header(MuHeaders.SERVICE_RATE))).isPositive();
    }

    @Test
    void aFunctionThatDoesNotAnswerInTimeGets504AndFreesItsSlot(Vertx vertx) {
        HeldFunction fn = function(vertx, new HeldFunction());
        QueueProxy qp = queueProxy(vertx, config(fn.port(), 1, 5, Duration.ofMillis(300)));
        Http http = new Http(vertx);

        Response r = await(http.get(qp.port(), "/slow", Map.of()));
        assertThat(r.status()).isEqualTo(504);
        assertThat(r.body()).contains("did not answer within 0.3 s");
        assertThat(r.header(MuHeaders.QUEUE_LENGTH)).isEqualTo("0");
        // The slot is free again: the next request is admitted and answered.
        CompletableFuture<Response> next = http.get(qp.port(), "/next", Map.of());
        await().until(() -> fn.held() == 2);
        fn.release(2);
        assertThat(Http.await(next).status()).isEqualTo(200);
    }

    @Test
    void anUnreachableFunctionGets502ThatShowsNoPortButReadinessNamesIt(Vertx vertx) {
        QueueProxy qp = queueProxy(vertx, config(1, 1, 5, Duration.ofSeconds(5)));
        Response r = await(new Http(vertx).get(qp.port(), "/", Map.of()));
        assertThat(r.status()).isEqualTo(502);
        assertThat(r.body()).isEqualTo("mu queue-proxy: the function is not accepting connections\n");
        assertThat(r.header(MuHeaders.NOT_DELIVERED)).isEqualTo(MuHeaders.FUNCTION_UNREACHABLE);
        Response ready = await(new Http(vertx).get(qp.adminPort(), "/ready", Map.of()));
        assertThat(ready.status()).isEqualTo(503);
        assertThat(ready.body()).contains("not accepting connections on port 1");
    }

    @Test
    void aBodyFramedOtherThanByPlainChunkingNeverReachesTheFunctionAndTheConnectionCloses(Vertx vertx) {
        HeldFunction fn = new HeldFunction();
        await(vertx.deployVerticle(fn));
        QueueProxy qp = queueProxy(vertx, config(fn.port(), 1, 5, Duration.ofSeconds(5)));
        for (String framing : List.of("Transfer-Encoding: gzip, chunked\r\n", "Transfer-Encoding: xchunked\r\nContent-Length: 5\r\n")) {
            try (RawClient client = new RawClient(qp.port())) {
                RawClient.Answer answer = client.send("POST / HTTP/1.1\r\nHost: echo\r\n" + framing + "\r\n5\r\nhello\r\n0\r\n\r\n").read();
                assertThat(answer.status()).as(framing).isIn(400, 501);
                assertThat(answer.body()).as(framing).startsWith("mu queue-proxy: ").contains("Transfer-Encoding");
                await().atMost(Duration.ofSeconds(5)).until(client::closedByServer);
            }
        }
        assertThat(fn.held()).isZero();
        assertThat(fn.requestHeaders()).isEmpty();
    }

    /** Found by an outside probe: the queue-proxy's 431 gave the ingress's limit, not its own. */
    @Test
    void headerFieldsOverItsLimitAre431NamingItsOwnLimit(Vertx vertx) {
        HeldFunction fn = new HeldFunction();
        await(vertx.deployVerticle(fn));
        QueueProxy qp = queueProxy(vertx, config(fn.port(), 1, 5, Duration.ofSeconds(5)));
        try (RawClient client = new RawClient(qp.port())) {
            RawClient.Answer answer = client.send("GET / HTTP/1.1\r\nHost: echo\r\nCookie: " + "c".repeat(40_000) + "\r\n\r\n").read();
            assertThat(answer.status()).isEqualTo(431);
            assertThat(answer.body()).contains("(" + (32 * 1024 + 4 * 1024) + " bytes in all)");
        }
    }

    /**
     * A function that dies resets the connections whose bytes it had not read (the request never
     * reached it: marked not delivered, so the balancer may send it on), and closes cleanly those
     * it had read (it may have run the request: a plain 502).
     */
    @Test
    void aResetWithTheRequestUnreadIsMarkedNotDeliveredButACloseAfterReadingIsNot(Vertx vertx) throws Exception {
        for (boolean readsFirst : new boolean[] {false, true}) {
            try (ServerSocket dying = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                Thread function = rawFunction(dying, connection -> {
                    if (readsFirst) {
                        readHead(connection);
                    } else {
                        await().until(() -> connection.getInputStream().available() > 0);
                        connection.setSoLinger(true, 0); // closing now resets: what the kernel does with unread bytes
                    }
                });
                QueueProxy qp = queueProxy(vertx, config(dying.getLocalPort(), 1, 5, Duration.ofSeconds(5)));
                Response r = await(new Http(vertx).get(qp.port(), "/", Map.of()));
                function.join(5_000);
                assertThat(r.status()).isEqualTo(502);
                if (readsFirst) {
                    assertThat(r.header(MuHeaders.NOT_DELIVERED)).isNull();
                    assertThat(r.header(MuHeaders.FUNCTION_FAILED)).as("it may have run").isEqualTo(MuHeaders.CONNECTION_LOST);
                    assertThat(r.body()).isEqualTo("mu queue-proxy: the function failed before answering\n");
                } else {
                    assertThat(r.header(MuHeaders.NOT_DELIVERED)).isEqualTo(MuHeaders.FUNCTION_UNREACHABLE);
                    assertThat(r.header(MuHeaders.FUNCTION_FAILED)).isNull();
                    assertThat(r.body()).isEqualTo("mu queue-proxy: the function closed the connection without reading the request\n");
                }
            }
        }
    }

    /**
     * A function that dies in the middle of its body, a short one or a long one: the client must not
     * take what came for a whole answer, so the connection breaks before the declared length.
     */
    @Test
    void aBodyTheFunctionCutsShortNeverReachesTheClientAsAWholeOne(Vertx vertx) throws Exception {
        for (int declared : new int[] {100, 1_000_000}) {
            try (ServerSocket dying = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                Thread function = rawFunction(dying, connection -> {
                    readHead(connection);
                    connection.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: " + declared + "\r\n\r\n" + "x".repeat(64))
                            .getBytes(StandardCharsets.US_ASCII));
                    connection.getOutputStream().flush();
                });
                QueueProxy qp = queueProxy(vertx, config(dying.getLocalPort(), 1, 5, Duration.ofSeconds(5)));
                try (RawClient client = new RawClient(qp.port())) {
                    client.send("GET / HTTP/1.1\r\nHost: echo\r\n\r\n");
                    String outcome;
                    try {
                        RawClient.Answer answer = client.read();
                        outcome = answer.status() + " with " + answer.body().length() + " bytes";
                    } catch (UncheckedIOException broken) {
                        outcome = "broken";
                    }
                    assertThat(outcome).as("declared %d bytes", declared).isNotEqualTo("200 with " + declared + " bytes");
                    assertThat(client.closedByServer()).isTrue();
                }
                function.join(5_000);
                await().until(() -> qp.inPod() == 0);
            }
        }
    }

    /** A function played by hand on its own thread: takes one connection on {@code socket} and does {@code script} with it. */
    private static Thread rawFunction(ServerSocket socket, ConnectionScript script) {
        Thread function = new Thread(() -> {
            try (Socket connection = socket.accept()) {
                script.run(connection);
            } catch (IOException e) {
                // the test fails on the answer instead
            }
        });
        function.start();
        return function;
    }

    @FunctionalInterface
    private interface ConnectionScript {
        void run(Socket connection) throws IOException;
    }

    /** Reads the whole head of a GET: from then on the function has the request. */
    private static void readHead(Socket connection) throws IOException {
        BufferedReader head = new BufferedReader(new InputStreamReader(connection.getInputStream(), StandardCharsets.US_ASCII));
        while (!head.readLine().isEmpty()) {
            // header lines
        }
    }

    @Test
    void drainLetsTheRunningFinishAndTurnsAwayTheRestMarkedNotDelivered(Vertx vertx) {
        HeldFunction fn = function(vertx, new HeldFunction());
        QueueProxy qp = queueProxy(vertx, new QueueProxyConfig("127.0.0.1", 0, 0, fn.port(), 1, 5, "echo-amd64-1", Arch.AMD64,
                Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofMillis(300)));
        Http http = new Http(vertx);
        assertThat(await(http.get(qp.adminPort(), "/ready", Map.of())).status()).isEqualTo(200);

        CompletableFuture<Response> running = http.get(qp.port(), "/running", Map.of());
        await().until(() -> fn.held() == 1);
        CompletableFuture<Response> waiting = http.get(qp.port(), "/waiting", Map.of());
        await().until(() -> qp.inPod() == 2);
        CompletableFuture<Void> drained = qp.drain().toCompletionStage().toCompletableFuture();

        Response turnedAway = await(waiting);
        assertThat(turnedAway.status()).isEqualTo(503);
        assertThat(turnedAway.header(MuHeaders.NOT_DELIVERED)).isEqualTo(MuHeaders.DRAINING);
        assertThat(turnedAway.header("Retry-After")).isEqualTo("1");
        Response arrivedLate = await(http.get(qp.port(), "/late", Map.of()));
        assertThat(arrivedLate.header(MuHeaders.NOT_DELIVERED)).isEqualTo(MuHeaders.DRAINING);
        assertThat(await(http.get(qp.adminPort(), "/ready", Map.of())).status()).isEqualTo(503);
        assertThat(drained).isNotDone();

        fn.release(1);
        Response finished = await(running);
        assertThat(finished.status()).isEqualTo(200);
        assertThat(finished.header(MuHeaders.NOT_DELIVERED)).isNull();
        assertThat(fn.served()).isEqualTo(1); // the function never saw the other two
        await().until(drained::isDone);
    }

    @Test
    void aQueueProxyStoppedWithRequestsWaitingAnswersThemAllWithoutAnUnhandledError(Vertx vertx) {
        List<Throwable> unhandled = new java.util.concurrent.CopyOnWriteArrayList<>();
        vertx.exceptionHandler(unhandled::add);
        HeldFunction fn = function(vertx, new HeldFunction());
        QueueProxy qp = queueProxy(vertx, config(fn.port(), 1, 5, Duration.ofSeconds(30)));
        List<CompletableFuture<Response>> responses = send(new Http(vertx), qp.port(), 3); // one running, two waiting
        await().until(() -> qp.inPod() == 3);

        await(vertx.undeploy(qp.deploymentID())); // as mu local does when a pod's process died: no drain

        await().until(() -> responses.stream().allMatch(CompletableFuture::isDone));
        assertThat(unhandled).isEmpty();
    }

    @Test
    void drainWithNothingInThePodStillLingersForLateRequests(Vertx vertx) {
        HeldFunction fn = function(vertx, new HeldFunction());
        QueueProxy qp = queueProxy(vertx, new QueueProxyConfig("127.0.0.1", 0, 0, fn.port(), 1, 5, "echo-amd64-1", Arch.AMD64,
                Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(5)));
        CompletableFuture<Void> drained = qp.drain().toCompletionStage().toCompletableFuture();
        Response late = await(new Http(vertx).get(qp.port(), "/late", Map.of()));
        assertThat(late.header(MuHeaders.NOT_DELIVERED)).isEqualTo(MuHeaders.DRAINING);
        assertThat(drained).isNotDone(); // the ports stay open for the linger although the pod is empty
    }

    @Test
    void metricsCountRequestsByStatusAndShowTheQueue(Vertx vertx) {
        HeldFunction fn = function(vertx, new HeldFunction());
        QueueProxy qp = queueProxy(vertx, config(fn.port(), 1, 0, Duration.ofSeconds(30)));
        Http http = new Http(vertx);
        CompletableFuture<Response> running = http.get(qp.port(), "/", Map.of());
        await().until(() -> fn.held() == 1);
        assertThat(await(http.get(qp.port(), "/", Map.of())).status()).isEqualTo(503);
        fn.release(1);
        Http.await(running);

        String metrics = await(http.get(qp.adminPort(), "/metrics", Map.of())).body();
        assertThat(metrics)
                .contains("mu_queue_proxy_requests_total{arch=\"amd64\",code=\"200\",pod=\"echo-amd64-1\"} 1.0")
                .contains("mu_queue_proxy_requests_total{arch=\"amd64\",code=\"503\",pod=\"echo-amd64-1\"} 1.0")
                .contains("mu_queue_proxy_rejected_total{arch=\"amd64\",pod=\"echo-amd64-1\"} 1.0")
                .contains("mu_queue_proxy_queue_length{arch=\"amd64\",pod=\"echo-amd64-1\"} 0.0")
                .contains("mu_queue_proxy_service_time_seconds_bucket");
    }

    @Test
    void requestBodiesReachTheFunctionWholeWithALengthChunkedOrAfterWaitingForASlot(Vertx vertx) {
        HeldFunction fn = function(vertx, new HeldFunction());
        QueueProxy qp = queueProxy(vertx, config(fn.port(), 1, 5, Duration.ofSeconds(30)));
        Http http = new Http(vertx);
        CompletableFuture<Response> running = http.get(qp.port(), "/first", Map.of());
        await().until(() -> fn.held() == 1);

        // both wait for the slot, their bodies with them
        CompletableFuture<Response> sized = http.send(HttpMethod.POST, qp.port(), "/sized", Map.of(), Buffer.buffer("a body of 19 bytes\n"));
        CompletableFuture<Response> chunked = http.exchange(HttpMethod.POST, qp.port(), "/chunked", Map.of(), request -> {
            request.setChunked(true);
            request.write("in ");
            request.write("three ");
            return request.end("chunks").compose(v -> request.response());
        });
        await().until(() -> qp.inPod() == 3);
        fn.release(1);
        await().until(() -> fn.served() == 1 && fn.held() == 1);
        fn.release(1);
        await().until(() -> fn.served() == 2 && fn.held() == 1);
        fn.release(1);

        assertThat(List.of(running, sized, chunked)).allSatisfy(r -> assertThat(Http.await(r).status()).isEqualTo(200));
        assertThat(fn.bodies()).containsExactlyInAnyOrder("", "a body of 19 bytes\n", "in three chunks");
    }

    @Test
    void theQueueProxyAnswersExpectContinueItselfAndTheFunctionSeesTheCallersHostButNoHopByHopHeader(Vertx vertx) {
        HeldFunction fn = function(vertx, new HeldFunction());
        QueueProxy qp = queueProxy(vertx, config(fn.port(), 1, 5, Duration.ofSeconds(30)));
        try (RawClient client = new RawClient(qp.port())) {
            client.send("POST /upload HTTP/1.1\r\nHost: echo.default.mu.example\r\nContent-Length: 5\r\nExpect: 100-continue\r\n"
                    + "Connection: keep-alive, X-Hop\r\nX-Hop: 1\r\nKeep-Alive: timeout=5\r\nX-Kept: 2\r\n\r\n");
            assertThat(client.read().status()).isEqualTo(100);
            client.send("hello");
            await().until(() -> fn.held() == 1);
            fn.release(1);
            RawClient.Answer answer = client.read();
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo("released /upload\n");
        }
        await().until(() -> fn.bodies().contains("hello"));
        MultiMap seen = fn.requestHeaders().get(0);
        assertThat(seen.get("Host")).isEqualTo("echo.default.mu.example");
        assertThat(seen.get("X-Kept")).isEqualTo("2");
        assertThat(seen.names()).doesNotContain("Expect", "X-Hop", "Keep-Alive");
    }

    @Test
    void aClientThatLeavesWhileWaitingGivesUpItsPlaceAndTheFunctionNeverSeesItsRequest(Vertx vertx) {
        HeldFunction fn = function(vertx, new HeldFunction());
        QueueProxy qp = queueProxy(vertx, config(fn.port(), 1, 5, Duration.ofSeconds(30)));
        Http http = new Http(vertx);
        CompletableFuture<Response> running = http.get(qp.port(), "/first", Map.of());
        await().until(() -> fn.held() == 1);
        try (RawClient leaving = new RawClient(qp.port())) {
            leaving.send("GET /leaving HTTP/1.1\r\nHost: echo\r\n\r\n");
            await().until(() -> qp.inPod() == 2);
        }
        await().until(() -> qp.inPod() == 1);

        fn.release(1);
        assertThat(Http.await(running).status()).isEqualTo(200);
        CompletableFuture<Response> next = http.get(qp.port(), "/next", Map.of());
        await().until(() -> fn.held() == 1);
        fn.release(1);
        assertThat(Http.await(next).body()).isEqualTo("released /next\n");
        assertThat(fn.requestHeaders()).hasSize(2);
    }
}
