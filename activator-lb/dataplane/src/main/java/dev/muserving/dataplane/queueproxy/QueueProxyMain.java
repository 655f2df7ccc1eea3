package dev.muserving.dataplane.queueproxy;

import static dev.muserving.api.QueueProxyContract.ADMIN_PORT;
import static dev.muserving.api.QueueProxyContract.BIND_ADDRESS;
import static dev.muserving.api.QueueProxyContract.PORT;

import dev.muserving.dataplane.CannotListen;
import dev.muserving.dataplane.ConfigException;
import dev.muserving.dataplane.ServerVertx;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The queue-proxy as its own process (the sidecar's entry point). Settings come from the
 * environment ({@link QueueProxyConfig}); the first line on standard output says where it listens,
 * which is how a parent that asked for port 0 learns the port.
 */
public final class QueueProxyMain {

    private QueueProxyMain() {}

    public static void main(String[] args) throws Exception {
        QueueProxyConfig config;
        try {
            config = QueueProxyConfig.fromEnvironment(System.getenv());
        } catch (ConfigException e) {
            System.err.println("mu queue-proxy: " + e.getMessage());
            System.exit(2);
            return;
        }
        Vertx vertx = Vertx.vertx(ServerVertx.options(1));
        QueueProxy proxy = new QueueProxy(config, Clock.systemUTC());
        proxy.bindJvmMetrics();
        try {
            vertx.deployVerticle(proxy).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            Optional<String> setting = CannotListen.why(e, BIND_ADDRESS + " " + config.bindAddress(),
                    PORT + " " + config.port() + " or " + ADMIN_PORT + " " + config.adminPort());
            System.err.println("mu queue-proxy: cannot listen: " + setting.orElse(String.valueOf(e.getMessage())));
            System.exit(setting.isPresent() ? 2 : 1);
        }
        System.out.printf("mu queue-proxy: pod %s (%s) listening on %s:%d, admin %d, forwarding to 127.0.0.1:%d, containerConcurrency %d%n",
                config.podName(), config.arch().label(), config.bindAddress(), proxy.port(), proxy.adminPort(),
                config.userPort(), config.containerConcurrency());
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                proxy.drain().toCompletionStage().toCompletableFuture().get(config.drainTimeout().toSeconds() + 5, TimeUnit.SECONDS);
                vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                System.err.println("mu queue-proxy: shutdown: " + e);
            }
        }, "mu-queue-proxy-drain"));
    }
}
