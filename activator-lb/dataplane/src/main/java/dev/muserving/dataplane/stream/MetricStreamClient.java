package dev.muserving.dataplane.stream;

import dev.muserving.api.FunctionKey;
import dev.muserving.api.MetricSnapshot;
import dev.muserving.dataplane.activator.DemandSignal;
import dev.muserving.dataplane.activator.MetricSink;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The activator-lb's end of the metric stream: one WebSocket to the controller carrying the
 * per-second snapshots and, at once, the demand for functions with no pod. Nothing here blocks the
 * request path: frames are handed to this client's own event-loop context. While the controller is
 * away (restarting, or a new leader) the client reconnects with back-off, keeps the latest frames
 * in a bounded buffer, and on reconnecting sends the demand it held and the snapshots of the last
 * few seconds; older snapshots would only blur the autoscaler's view of now.
 */
public final class MetricStreamClient implements MetricSink, DemandSignal, AutoCloseable {

    static final int BUFFERED_FRAMES = 1_000;
    static final Duration STALE = Duration.ofSeconds(3);
    private static final Duration FIRST_RETRY = Duration.ofMillis(100);
    private static final Duration LAST_RETRY = Duration.ofSeconds(5);

    private record Pending(String frame, boolean demand, long queuedNanos) {}

    private final Vertx vertx;
    private final Context context;
    private final WebSocketClient client;
    private final WebSocketConnectOptions target;
    private final String replica;
    private final Clock clock;
    private final Consumer<String> log;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong connects = new AtomicLong();
    private volatile WebSocket socket;
    private Duration retry = FIRST_RETRY;
    private boolean closed;
    private boolean connecting;

    /**
     * @param controller {@code ws://host:port} (or {@code wss://}) of the controller's stream endpoint
     * @param replica this activator-lb's name in the controller's log
     * @param log told when the stream connects and when it is lost (not per retry)
     */
    public MetricStreamClient(Vertx vertx, URI controller, String replica, Clock clock, Consumer<String> log) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.client = vertx.createWebSocketClient(new WebSocketClientOptions().setConnectTimeout(2_000));
        boolean tls = "wss".equals(controller.getScheme());
        if (!tls && !"ws".equals(controller.getScheme()) || controller.getHost() == null) {
            throw new IllegalArgumentException("the controller's metric stream address must be ws://host:port or wss://host:port, got " + controller);
        }
        this.target = new WebSocketConnectOptions().setHost(controller.getHost())
                .setPort(controller.getPort() > 0 ? controller.getPort() : tls ? 443 : 80).setSsl(tls).setURI(MetricFrames.PATH);
        this.replica = replica;
        this.clock = clock;
        this.log = log;
    }

    public void start() {
        context.runOnContext(v -> connect());
    }

    @Override
    public void publish(MetricSnapshot snapshot) {
        String frame = MetricFrames.snapshot(snapshot);
        context.runOnContext(v -> send(new Pending(frame, false, System.nanoTime())));
    }

    @Override
    public void demand(FunctionKey function) {
        String frame = MetricFrames.demand(function.toString(), clock.instant());
        context.runOnContext(v -> send(new Pending(frame, true, System.nanoTime())));
    }

    public boolean connected() {
        return socket != null;
    }

    /** Frames written to the socket. */
    public long framesSent() {
        return sent.get();
    }

    /** Frames given up: the buffer was full, or the snapshot went stale while the controller was away. */
    public long framesDropped() {
        return dropped.get();
    }

    /** Connections made so far (a reconnect counts again). */
    public long connections() {
        return connects.get();
    }

    private void send(Pending frame) {
        WebSocket ws = socket;
        if (ws != null && pending.isEmpty() && !ws.writeQueueFull()) {
            write(ws, frame);
            return;
        }
        if (pending.size() >= BUFFERED_FRAMES) {
            pending.pollFirst();
            dropped.incrementAndGet();
        }
        pending.addLast(frame);
    }

    private void write(WebSocket ws, Pending frame) {
        ws.writeTextMessage(frame.frame());
        sent.incrementAndGet();
    }

    private void flush() {
        WebSocket ws = socket;
        long now = System.nanoTime();
        while (ws != null && !pending.isEmpty() && !ws.writeQueueFull()) {
            Pending frame = pending.pollFirst();
            if (!frame.demand() && now - frame.queuedNanos() > STALE.toNanos()) {
                dropped.incrementAndGet();
            } else {
                write(ws, frame);
            }
        }
    }

    private void connect() {
        if (closed || connecting || socket != null) {
            return;
        }
        connecting = true;
        client.connect(target).onComplete(result -> {
            connecting = false;
            if (result.failed()) {
                retryLater();
                return;
            }
            WebSocket ws = result.result();
            if (closed) {
                ws.close();
                return;
            }
            retry = FIRST_RETRY;
            ws.writeTextMessage(MetricFrames.hello(replica));
            ws.closeHandler(v -> lost(ws));
            ws.exceptionHandler(e -> ws.close());
            ws.drainHandler(v -> flush());
            ws.textMessageHandler(text -> { }); // the controller says nothing on this stream yet
            socket = ws;
            connects.incrementAndGet();
            log.accept("metric stream: connected to the controller at " + target.getHost() + ":" + target.getPort());
            flush();
        });
    }

    private void lost(WebSocket ws) {
        if (socket == ws) {
            socket = null;
            if (!closed) {
                log.accept("metric stream: lost the controller; reconnecting (frames are buffered meanwhile)");
                retryLater();
            }
        }
    }

    private void retryLater() {
        if (closed) {
            return;
        }
        vertx.setTimer(retry.toMillis(), id -> connect());
        retry = retry.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : retry.multipliedBy(2);
    }

    @Override
    public void close() {
        context.runOnContext(v -> {
            closed = true;
            WebSocket ws = socket;
            socket = null;
            if (ws != null) {
                ws.close();
            }
            client.close();
        });
    }
}
