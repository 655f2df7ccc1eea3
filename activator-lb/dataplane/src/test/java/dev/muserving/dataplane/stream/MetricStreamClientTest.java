package dev.muserving.dataplane.stream;

import static dev.muserving.dataplane.testing.Http.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.muserving.api.Arch;
import dev.muserving.api.FunctionKey;
import dev.muserving.api.MetricSnapshot;
import dev.muserving.api.PodMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The activator-lb's end of the metric stream against a real WebSocket server on loopback. */
@ExtendWith(VertxExtension.class)
class MetricStreamClientTest {

    private static final Instant T = Instant.parse("2026-12-02T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(T, ZoneOffset.UTC);

    /** What a controller received, decoded, and the sockets it holds. */
    private final List<MetricFrames.Frame> received = new CopyOnWriteArrayList<>();
    private final List<String> refused = new CopyOnWriteArrayList<>();
    private final List<ServerWebSocket> sockets = new CopyOnWriteArrayList<>();
    private MetricStreamClient client;

    @AfterEach
    void closeClient() {
        if (client != null) {
            client.close();
        }
    }

    private HttpServer controller(Vertx vertx, int port) {
        return await(vertx.createHttpServer().webSocketHandler(ws -> {
            if (!MetricFrames.PATH.equals(ws.path())) {
                ws.reject(404);
                return;
            }
            sockets.add(ws);
            ws.textMessageHandler(text -> {
                try {
                    received.add(MetricFrames.decode(text));
                } catch (MetricFrames.BadFrameException e) {
                    refused.add(e.getMessage());
                }
            });
        }).listen(port, "127.0.0.1"));
    }

    private static MetricSnapshot snapshot(long arrivals) {
        return new MetricSnapshot("demo/echo", T, Duration.ofSeconds(1), arrivals, arrivals, 0.5, 0,
                List.of(new PodMetrics("echo-0", Arch.ARM64, 2, 12.5)));
    }

    private MetricStreamClient client(Vertx vertx, int port) {
        client = new MetricStreamClient(vertx, URI.create("ws://127.0.0.1:" + port), "lb-0", CLOCK, message -> { });
        client.start();
        return client;
    }

    @Test
    void helloThenSnapshotsAndDemandArriveAsSent(Vertx vertx) {
        HttpServer server = controller(vertx, 0);
        MetricStreamClient stream = client(vertx, server.actualPort());
        await().until(stream::connected);

        stream.publish(snapshot(7));
        stream.demand(new FunctionKey("demo", "cold"));

        await().until(() -> received.size() == 3);
        assertThat(received.get(0)).isEqualTo(new MetricFrames.Hello("lb-0", MetricFrames.VERSION));
        assertThat(received.get(1)).isEqualTo(new MetricFrames.Snapshot(snapshot(7)));
        assertThat(received.get(2)).isEqualTo(new MetricFrames.Demand("demo/cold", T));
        assertThat(refused).isEmpty();
    }

    @Test
    void whileTheControllerIsAwayDemandIsKeptAndSentWhenItComesBack(Vertx vertx) {
        HttpServer first = controller(vertx, 0);
        int port = first.actualPort();
        MetricStreamClient stream = client(vertx, port);
        await().until(stream::connected);
        await(first.close());
        sockets.forEach(ServerWebSocket::close);
        await().until(() -> !stream.connected());

        stream.demand(new FunctionKey("demo", "cold")); // never blocks, though nobody listens
        received.clear();
        controller(vertx, port);

        await().atMost(Duration.ofSeconds(15)).until(() -> received.contains(new MetricFrames.Demand("demo/cold", T)));
        assertThat(received.get(0)).isInstanceOf(MetricFrames.Hello.class);
        assertThat(stream.connections()).isEqualTo(2);
    }

    @Test
    void aControllerThatNeverAnswersCostsTheSenderNothingButBoundedMemory(Vertx vertx) {
        MetricStreamClient stream = client(vertx, 1); // nothing listens on port 1
        for (int i = 0; i < MetricStreamClient.BUFFERED_FRAMES + 250; i++) {
            stream.publish(snapshot(i));
        }
        await().until(() -> stream.framesDropped() == 250);
        assertThat(stream.connected()).isFalse();
    }

    @Test
    void aStreamAddressThatIsNotAWebSocketIsRefusedByName(Vertx vertx) {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> new MetricStreamClient(vertx, URI.create("http://controller:8080"), "lb-0", CLOCK, m -> { }))
                .hasMessageContaining("ws://host:port").hasMessageContaining("http://controller:8080");
    }
}
