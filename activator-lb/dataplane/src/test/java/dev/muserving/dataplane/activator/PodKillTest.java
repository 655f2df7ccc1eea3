package dev.muserving.dataplane.activator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.muserving.api.Arch;
import dev.muserving.api.FunctionKey;
import dev.muserving.dataplane.ChildProcess;
import dev.muserving.dataplane.function.EmulatedFunctionMain;
import dev.muserving.dataplane.queueproxy.QueueProxyMain;
import dev.muserving.dataplane.testing.Http;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Real pods (a function process behind a queue-proxy process each), one of them killed under load. */
@ExtendWith(VertxExtension.class)
class PodKillTest {

    private static final int PODS = 3;
    private static final int CONTAINER_CONCURRENCY = 2;
    private static final int QUEUE_DEPTH = 20;
    private static final int CLIENTS = 24;

    private final List<ChildProcess> processes = new ArrayList<>();

    @TempDir
    Path logs;

    private record Outcome(long startedNanos, int status) {}

    @AfterEach
    void stopProcesses() {
        processes.forEach(ChildProcess::kill);
    }

    private List<ChildProcess> startPod(int i) throws Exception {
        ChildProcess function = ChildProcess.java("function-" + i, EmulatedFunctionMain.class.getName(), ChildProcess.QUICK_START,
                Map.of("PORT", "0", "MU_SERVICE_MS", "50", "MU_FUNCTION_NAME", "echo"), logs.resolve("function-" + i + ".log"),
                Duration.ofSeconds(30));
        processes.add(function);
        ChildProcess queueProxy = ChildProcess.java("queue-proxy-" + i, QueueProxyMain.class.getName(), ChildProcess.QUICK_START, Map.of(
                "MU_PORT", "0", "MU_ADMIN_PORT", "0", "MU_BIND_ADDRESS", "127.0.0.1", "MU_USER_PORT", Integer.toString(function.port(0)),
                "MU_CONTAINER_CONCURRENCY", Integer.toString(CONTAINER_CONCURRENCY), "MU_QUEUE_DEPTH", Integer.toString(QUEUE_DEPTH),
                "MU_POD_NAME", "echo-" + i), logs.resolve("queue-proxy-" + i + ".log"), Duration.ofSeconds(30));
        processes.add(queueProxy);
        return List.of(function, queueProxy);
    }

    @Test
    void aPodKilledUnderLoadLosesOnlyRequestsThatHadReachedIt(Vertx vertx) throws Exception {
        List<List<ChildProcess>> pods = new ArrayList<>();
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < PODS; i++) {
            List<ChildProcess> pod = startPod(i);
            pods.add(pod);
            endpoints.add(new Endpoint("echo-" + i, "127.0.0.1", pod.get(1).port(0), Arch.AMD64));
        }
        Activator activator = Http.await(Activator.start(vertx, ActivatorConfig.defaults().withPort(0).withRouting("mu", 2),
                new StaticEndpointSource(List.of(new FunctionRoute(new FunctionKey("demo", "echo"), CONTAINER_CONCURRENCY,
                        Duration.ofSeconds(30), endpoints))),
                MetricSink.NONE, DemandSignal.NONE, new SimpleMeterRegistry(), Clock.systemUTC()));

        Http http = new Http(vertx);
        ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        List<CompletableFuture<Void>> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            clients.add(loop(http, activator.port(), end, outcomes));
        }
        await().until(() -> outcomes.size() >= 60); // every pod is busy before one dies
        long killedAt = System.nanoTime();
        pods.get(0).forEach(ChildProcess::kill);
        clients.forEach(CompletableFuture::join);

        List<Outcome> failed = outcomes.stream().filter(o -> o.status() != 200).toList();
        long afterKill = outcomes.stream().filter(o -> o.startedNanos() > killedAt).count();
        assertThat(afterKill).as("requests sent after the kill").isGreaterThanOrEqualTo(100);
        // Only what the dead pod held (running plus waiting) may fail; nothing sent after it died.
        assertThat(failed).hasSizeLessThanOrEqualTo(CONTAINER_CONCURRENCY + QUEUE_DEPTH);
        assertThat(failed).allSatisfy(o -> assertThat(o.startedNanos()).isLessThan(killedAt + Duration.ofMillis(100).toNanos()));
        System.out.printf("pod kill: %d requests, %d after the kill, %d failed%n", outcomes.size(), afterKill, failed.size());
    }

    /** One client: a request at a time until the deadline, each outcome recorded. */
    private static CompletableFuture<Void> loop(Http http, int port, long end, ConcurrentLinkedQueue<Outcome> outcomes) {
        if (System.nanoTime() >= end) {
            return CompletableFuture.completedFuture(null);
        }
        long started = System.nanoTime();
        return http.get(port, "/fn/demo/echo/", Map.of())
                .handle((response, error) -> {
                    outcomes.add(new Outcome(started, error == null ? response.status() : -1));
                    return null;
                })
                .thenCompose(x -> loop(http, port, end, outcomes));
    }
}
