package dev.muserving.dataplane.activator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.muserving.api.Arch;
import dev.muserving.api.FunctionKey;
import dev.muserving.api.QueueProxyContract;
import dev.muserving.dataplane.ChildProcess;
import dev.muserving.dataplane.function.EmulatedFunctionMain;
import dev.muserving.dataplane.queueproxy.QueueProxyMain;
import dev.muserving.dataplane.testing.Http;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real pods (a function process behind a queue-proxy process each) under load, one of them killed,
 * crashed or scaled away: what reached a function may be lost with it, nothing else.
 */
@ExtendWith(VertxExtension.class)
class PodKillTest {

    private static final int PODS = 3;
    private static final int CONTAINER_CONCURRENCY = 2;
    private static final int QUEUE_DEPTH = 20;
    private static final int CLIENTS = 24;

    private final List<ChildProcess> processes = new ArrayList<>();

    @TempDir
    Path logs;

    /**
     * The queue-proxies' admin ports, read from their first line. Each process picks its own: a port
     * picked here and freed before the process binds it can meanwhile go to another process.
     */
    private final int[] adminPorts = new int[PODS];

    private static final Pattern ADMIN_PORT = Pattern.compile("admin (\\d+)");

    private record Outcome(long startedNanos, int status, boolean bodyEchoed, String body) {}

    @AfterEach
    void stopProcesses() {
        processes.forEach(ChildProcess::kill);
    }

    private List<ChildProcess> startPod(int i, Map<String, String> functionEnv) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("PORT", "0", "MU_SERVICE_MS", "50", "MU_FUNCTION_NAME", "echo", "MU_DRAIN_SECONDS", "0"));
        env.putAll(functionEnv);
        ChildProcess function = ChildProcess.java("function-" + i, EmulatedFunctionMain.class.getName(), ChildProcess.QUICK_START,
                env, logs.resolve("function-" + i + ".log"), Duration.ofSeconds(30));
        processes.add(function);
        ChildProcess queueProxy = ChildProcess.java("queue-proxy-" + i, QueueProxyMain.class.getName(), ChildProcess.QUICK_START, Map.of(
                "MU_PORT", "0", "MU_ADMIN_PORT", "0", "MU_BIND_ADDRESS", "127.0.0.1", "MU_USER_PORT", Integer.toString(function.port(0)),
                "MU_CONTAINER_CONCURRENCY", Integer.toString(CONTAINER_CONCURRENCY), "MU_QUEUE_DEPTH", Integer.toString(QUEUE_DEPTH),
                "MU_POD_NAME", "echo-" + i, "MU_DRAIN_LINGER_SECONDS", "2"), logs.resolve("queue-proxy-" + i + ".log"), Duration.ofSeconds(30));
        processes.add(queueProxy);
        Matcher admin = ADMIN_PORT.matcher(queueProxy.firstLine());
        if (!admin.find()) {
            throw new IllegalStateException("queue-proxy-" + i + " named no admin port: " + queueProxy.firstLine());
        }
        adminPorts[i] = Integer.parseInt(admin.group(1));
        return List.of(function, queueProxy);
    }

    /** Three pods behind an activator, and clients sending {@code method} for five seconds. */
    private final class Load {
        final List<List<ChildProcess>> pods = new ArrayList<>();
        final List<Endpoint> endpoints = new ArrayList<>();
        final StaticEndpointSource source;
        final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
        final List<CompletableFuture<Void>> clients = new ArrayList<>();

        Load(Vertx vertx, HttpMethod method, Map<String, String> functionEnv) throws Exception {
            for (int i = 0; i < PODS; i++) {
                List<ChildProcess> pod = startPod(i, functionEnv);
                pods.add(pod);
                endpoints.add(new Endpoint("echo-" + i, "127.0.0.1", pod.get(1).port(0), Arch.AMD64));
            }
            source = new StaticEndpointSource(List.of(route(endpoints)));
            Activator activator = Http.await(Activator.start(vertx, ActivatorConfig.defaults().withPort(0).withRouting("mu", 2),
                    source, MetricSink.NONE, DemandSignal.NONE, new SimpleMeterRegistry(), Clock.systemUTC()));
            Http http = new Http(vertx);
            long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            for (int c = 0; c < CLIENTS; c++) {
                clients.add(loop(http, method, activator.port(), end, c, 0, outcomes));
            }
            await().until(() -> outcomes.size() >= 60); // every pod is busy before one goes
        }

        /** Waits for the clients; returns the requests that failed. */
        List<Outcome> failures() {
            clients.forEach(CompletableFuture::join);
            return outcomes.stream().filter(o -> o.status() != 200 || !o.bodyEchoed()).toList();
        }

        long sentAfter(long nanos) {
            return outcomes.stream().filter(o -> o.startedNanos() > nanos).count();
        }
    }

    private static FunctionRoute route(List<Endpoint> endpoints) {
        return new FunctionRoute(new FunctionKey("demo", "echo"), CONTAINER_CONCURRENCY, Duration.ofSeconds(30), endpoints);
    }

    @Test
    void aPodKilledOutrightLosesNoIdempotentRequest(Vertx vertx) throws Exception {
        Load load = new Load(vertx, HttpMethod.GET, Map.of());
        long killedAt = System.nanoTime();
        load.pods.get(0).forEach(ChildProcess::kill);
        List<Outcome> failed = load.failures();
        assertThat(load.sentAfter(killedAt)).as("requests sent after the kill").isGreaterThanOrEqualTo(100);
        // What the dead pod held was sent again: a GET may run twice.
        assertThat(failed).isEmpty();
    }

    @Test
    void aPodKilledOutrightLosesOnlyPostsThatHadReachedIt(Vertx vertx) throws Exception {
        Load load = new Load(vertx, HttpMethod.POST, Map.of());
        long killedAt = System.nanoTime();
        load.pods.get(0).forEach(ChildProcess::kill);
        List<Outcome> failed = load.failures();
        assertThat(load.sentAfter(killedAt)).isGreaterThanOrEqualTo(100);
        // With no answer from the pod, nobody can tell whether a POST ran: only what it held (running plus waiting) may fail.
        assertThat(failed).hasSizeLessThanOrEqualTo(CONTAINER_CONCURRENCY + QUEUE_DEPTH);
        assertThat(failed).allSatisfy(o -> assertThat(o.startedNanos()).isLessThan(killedAt + Duration.ofMillis(100).toNanos()));
    }

    @Test
    void aFunctionThatCrashesLosesOnlyThePostsItWasRunning(Vertx vertx) throws Exception {
        Load load = new Load(vertx, HttpMethod.POST, Map.of());
        long killedAt = System.nanoTime();
        load.pods.get(0).get(0).kill(); // the user container dies; its queue-proxy, holding a queue, lives on
        List<Outcome> failed = load.failures();
        assertThat(load.sentAfter(killedAt)).isGreaterThanOrEqualTo(100);
        // The waiting requests never reached the function: the queue-proxy says so and they go to another pod.
        assertThat(failed).hasSizeLessThanOrEqualTo(CONTAINER_CONCURRENCY);
        assertThat(failed).allSatisfy(o -> assertThat(o.status()).isEqualTo(502));
    }

    @Test
    void scalingDownUnderLoadLosesNothing(Vertx vertx) throws Exception {
        Load load = new Load(vertx, HttpMethod.POST, Map.of("MU_DRAIN_SECONDS", "30"));
        // As Kubernetes scales down: the pod leaves the endpoints, in no set order with what the kubelet
        // does: SIGTERM to the queue-proxy, and to the function once its preStop hook has returned.
        List<ChildProcess> leaving = load.pods.get(0);
        leaving.get(1).terminate();
        CompletableFuture<Void> functionStopped = new Http(vertx).get(adminPorts[0], QueueProxyContract.WAIT_FOR_DRAIN_PATH, Map.of())
                .thenAccept(preStop -> leaving.get(0).terminate());
        load.source.set(List.of(route(load.endpoints.subList(1, PODS))));
        functionStopped.get(30, TimeUnit.SECONDS);
        for (ChildProcess process : leaving) {
            assertThat(process.awaitExit(Duration.ofSeconds(30))).as(process + " exits once drained").isTrue();
        }
        assertThat(load.failures()).isEmpty();
    }

    /** One client: a request at a time until the deadline, each outcome recorded; a POST's body must come back. */
    private static CompletableFuture<Void> loop(Http http, HttpMethod method, int port, long end, int client, int n,
            ConcurrentLinkedQueue<Outcome> outcomes) {
        if (System.nanoTime() >= end) {
            return CompletableFuture.completedFuture(null);
        }
        long started = System.nanoTime();
        String body = "client " + client + " request " + n;
        return http.send(method, port, "/fn/demo/echo/", Map.of(), method == HttpMethod.POST ? Buffer.buffer(body) : null)
                .handle((response, error) -> {
                    outcomes.add(error != null ? new Outcome(started, -1, false, error.toString())
                            : new Outcome(started, response.status(), method != HttpMethod.POST || response.body().equals(body), response.body()));
                    return null;
                })
                .thenCompose(x -> loop(http, method, port, end, client, n + 1, outcomes));
    }
}
