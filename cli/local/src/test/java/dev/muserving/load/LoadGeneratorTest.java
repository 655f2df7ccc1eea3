package dev.muserving.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LoadGeneratorTest {

    @Test
    void stopEndsARunEarlyWithTheTotalsOfWhatWasSent() throws Exception {
        AtomicInteger served = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.createContext("/", exchange -> {
            served.incrementAndGet();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        try (LoadGenerator load = new LoadGenerator()) {
            URI target = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
            CompletableFuture<LoadGenerator.Window> run = CompletableFuture.supplyAsync(
                    () -> load.run(target, 20, Duration.ofMinutes(10), Duration.ofSeconds(30), null, 3, second -> { }));
            await().atMost(Duration.ofSeconds(30)).until(() -> served.get() >= 5);
            load.stop();
            LoadGenerator.Window total = run.get(30, TimeUnit.SECONDS);
            assertThat(total.sent()).isBetween(5L, 20L * 60);
            assertThat(total.ok() + total.errors()).isEqualTo(total.sent());
            assertThat(total.byStatus()).containsOnlyKeys(204);
        } finally {
            server.stop(0);
        }
    }
}
