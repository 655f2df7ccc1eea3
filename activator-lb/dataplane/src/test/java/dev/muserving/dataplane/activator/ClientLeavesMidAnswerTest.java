package dev.muserving.dataplane.activator;

import static dev.muserving.dataplane.testing.Http.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.muserving.api.Arch;
import dev.muserving.api.FunctionKey;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A client that leaves while its answer is still streaming, as every load generator's connections
 * do at the end of a run and impatient clients do any time: the pod's request is dropped, and
 * nothing is written to the dead connection, where Vert.x 4.5 would release a buffer twice and log
 * a stack trace for it.
 */
@ExtendWith(VertxExtension.class)
class ClientLeavesMidAnswerTest {

    private static final FunctionKey STREAM = new FunctionKey("demo", "stream");
    private static final String FIRST_CHUNK = "first part of the answer;";
    private static final int CLIENTS = 40;

    /** Netty logs through java.util.logging here: its warnings are gathered for the test to read. */
    private final List<LogRecord> nettyWarnings = new CopyOnWriteArrayList<>();
    private final Handler gather = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                nettyWarnings.add(record);
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };
    private final Logger netty = Logger.getLogger("io.netty");

    @BeforeEach
    void listen() {
        netty.addHandler(gather);
    }

    @AfterEach
    void stopListening() {
        netty.removeHandler(gather);
    }

    @Test
    void thePodsRequestIsDroppedAndNothingIsWrittenToTheDeadConnection(Vertx vertx) throws IOException {
        AtomicInteger podConnectionsClosed = new AtomicInteger();
        // a pod that sends its head and a first chunk at once, then a chunk every millisecond for 10 s
        HttpServer pod = await(vertx.createHttpServer().requestHandler(request -> {
            request.response().setChunked(true).write(FIRST_CHUNK);
            long timer = vertx.setPeriodic(1, id -> request.response().write("more;"));
            request.connection().closeHandler(v -> {
                vertx.cancelTimer(timer);
                podConnectionsClosed.incrementAndGet();
            });
            vertx.setTimer(10_000, id -> {
                vertx.cancelTimer(timer);
                request.response().end();
            });
        }).listen(0, "127.0.0.1"));
        StaticEndpointSource source = new StaticEndpointSource(List.of(new FunctionRoute(STREAM, 0, Duration.ofSeconds(30),
                List.of(new Endpoint("stream-1", "127.0.0.1", pod.actualPort(), Arch.AMD64)))));
        int port = await(Activator.start(vertx, ActivatorConfig.defaults().withPort(0).withRouting("round-robin", 1), source,
                MetricSink.NONE, DemandSignal.NONE, new SimpleMeterRegistry(), Clock.systemUTC())).port();

        // The client's close and the pod's next chunk often reach the event loop together, the chunk
        // written after the connection is closed but before Vert.x has marked it so: tried CLIENTS times.
        for (int i = 0; i < CLIENTS; i++) {
            try (Socket client = new Socket("127.0.0.1", port)) {
                client.getOutputStream().write("GET /fn/demo/stream/ HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                readUntil(client.getInputStream(), FIRST_CHUNK);
            }
        }

        // each relay fails, and resets the pod's request, before the pod sees its connection close
        await().atMost(Duration.ofSeconds(5)).until(() -> podConnectionsClosed.get() == CLIENTS);
        assertThat(nettyWarnings).extracting(r -> r.getMessage() + " " + r.getThrown()).isEmpty();
    }

    private static void readUntil(InputStream in, String text) throws IOException {
        StringBuilder seen = new StringBuilder();
        while (seen.indexOf(text) < 0) {
            int b = in.read();
            assertThat(b).as("the connection closed before %s arrived; got %s", text, seen).isNotNegative();
            seen.append((char) b);
        }
    }
}
