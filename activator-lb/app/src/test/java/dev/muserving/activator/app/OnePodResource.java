package dev.muserving.activator.app;

import dev.muserving.api.Arch;
import dev.muserving.dataplane.function.EmulatedFunction;
import dev.muserving.dataplane.queueproxy.QueueProxy;
import dev.muserving.dataplane.queueproxy.QueueProxyConfig;
import dev.muserving.dataplane.stream.MetricFrames;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * One real pod (a function behind a queue-proxy, on loopback), an endpoints file naming it, and a
 * stand-in for the controller's end of the metric stream that keeps every frame it reads.
 */
public class OnePodResource implements QuarkusTestResourceLifecycleManager {

    /** The frames the stand-in controller read, decoded. */
    static final List<MetricFrames.Frame> RECEIVED = new CopyOnWriteArrayList<>();

    private Vertx vertx;

    @Override
    public Map<String, String> start() {
        try {
            vertx = Vertx.vertx();
            EmulatedFunction function = new EmulatedFunction("echo", 0, 2, 0);
            vertx.deployVerticle(function).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            QueueProxy queueProxy = new QueueProxy(new QueueProxyConfig("127.0.0.1", 0, 0, function.port(), 4, 40, "echo-0",
                    Arch.AMD64, Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ZERO), Clock.systemUTC());
            vertx.deployVerticle(queueProxy).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            Path file = Files.createTempFile("mu-endpoints", ".yaml");
            Files.writeString(file, """
                    functions:
                      - namespace: demo
                        name: echo
                        containerConcurrency: 4
                        timeoutSeconds: 10
                        endpoints:
                          - {pod: echo-0, address: "127.0.0.1:%d", arch: amd64}
                    """.formatted(queueProxy.port()));
            HttpServer controller = vertx.createHttpServer().webSocketHandler(ws -> ws.textMessageHandler(
                    text -> RECEIVED.add(MetricFrames.decode(text)))).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
            return Map.of("mu.endpoints-file", file.toString(), "mu.port", "0", "mu.admin-port", "0", "mu.bind-address", "127.0.0.1",
                    "mu.balancers", "2", "mu.controller", "ws://127.0.0.1:" + controller.actualPort(), "mu.replica-name", "lb-test");
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the test pod", e);
        }
    }

    @Override
    public void stop() {
        vertx.close();
    }
}
