package dev.muserving.lbbench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The open-loop generator against real servers over loopback, read back as lb-bench reads it. */
class NettyOpenLoopTest {

    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private URI serve(long delayMillis) throws IOException {
        return serve(delayMillis, Integer.MAX_VALUE);
    }

    /** Answers every request after {@code delayMillis}; every fifth with 503; every {@code closeEvery}th with {@code Connection: close}. */
    private URI serve(long delayMillis, int closeEvery) throws IOException {
        AtomicInteger count = new AtomicInteger();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            try {
                Thread.sleep(delayMillis); // the server under load: what the generator must charge to the target
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] answer = "ok".getBytes();
            int n = count.incrementAndGet();
            if (n % closeEvery == 0) {
                exchange.getResponseHeaders().set("Connection", "close");
            }
            exchange.sendResponseHeaders(n % 5 == 0 ? 503 : 200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/fn/bench/echo/");
    }

    /** One run of the generator, read back as lb-bench reads it. */
    private static Vegeta.Results run(Path dir, URI url, double rps, int seconds, int maxConnections) throws Exception {
        Path csv = dir.resolve("run.csv");
        new NettyOpenLoop(url, rps, Duration.ofSeconds(seconds), maxConnections, Duration.ofSeconds(10)).run(csv);
        return Vegeta.Results.read(csv);
    }

    private static IntStream codes(Vegeta.Results results) {
        return Arrays.stream(results.codes(), 0, results.size());
    }

    @Test
    void sendsEveryRequestOnScheduleAndCountsEveryAnswer(@TempDir Path dir) throws Exception {
        Vegeta.Results results = run(dir, serve(0), 200, 2, 100);
        assertThat(results.size()).isEqualTo(400);
        assertThat(codes(results).filter(c -> c == 503).count()).isEqualTo(80);
        LbBench.FixedRun run = results.run(Duration.ofSeconds(1));
        assertThat(run.counted().achievedRps()).isCloseTo(200, within(20.0));
        assertThat(run.counted().requests() + run.start().requests()).isEqualTo(400);
        assertThat(run.counted().errors() + run.start().errors()).isEqualTo(80);
    }

    /** nginx closes a connection after its 1,000th request, saying so: the next request goes on another, and none fails. */
    @Test
    void aConnectionTheServerClosesIsNotReused(@TempDir Path dir) throws Exception {
        Vegeta.Results results = run(dir, serve(0, 3), 200, 1, 4);
        assertThat(results.size()).isEqualTo(200);
        assertThat(codes(results).filter(c -> c == 0).count()).isZero();
    }

    /** With one connection and answers slower than the schedule, requests wait, and their wait counts. */
    @Test
    void aTargetThatFallsBehindIsChargedFromWhenEachRequestWasDue(@TempDir Path dir) throws Exception {
        Vegeta.Results results = run(dir, serve(200), 20, 1, 1);
        assertThat(results.size()).isEqualTo(20);
        long[] latencies = Arrays.copyOf(results.latencies(), results.size());
        Arrays.sort(latencies);
        // the last of 20 requests due 50 ms apart, served 200 ms each in turn, waits about 19 × 150 ms
        assertThat(latencies[19]).isGreaterThan(Duration.ofMillis(2_000).toNanos());
        assertThat(latencies[0]).isGreaterThanOrEqualTo(Duration.ofMillis(200).toNanos());
    }

    @Test
    void aRefusedConnectionIsAFailedRequest(@TempDir Path dir) throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        Vegeta.Results results = run(dir, URI.create("http://127.0.0.1:" + closed + "/"), 20, 1, 4);
        assertThat(results.size()).isEqualTo(20);
        assertThat(codes(results).allMatch(c -> c == 0)).isTrue();
    }
}
