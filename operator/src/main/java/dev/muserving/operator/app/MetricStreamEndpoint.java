package dev.muserving.operator.app;

import dev.muserving.api.FunctionKey;
import dev.muserving.api.MetricSnapshot;
import dev.muserving.dataplane.stream.MetricFrames;
import dev.muserving.operator.autoscaling.FunctionAutoscaler;
import dev.muserving.operator.autoscaling.SnapshotMerger;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * The controller's end of the metric stream (docs/protocol.md, "Metric stream"), and the
 * autoscaler's clock. Every activator-lb replica holds one WebSocket to {@value MetricFrames#PATH} on
 * the controller's HTTP port; only the leader takes them (the others answer 503, and the replica
 * tries again). Snapshots are merged across replicas once a second and enter the
 * {@value #CHANNEL} channel, which feeds the autoscaler; demand goes to the autoscaler at once.
 * The autoscaler's work (snapshots, demand, ticks) runs on one thread of its own, never on the
 * event loop.
 */
@ApplicationScoped
public class MetricStreamEndpoint {

    public static final String CHANNEL = "mu-metrics";
    private static final Logger LOG = Logger.getLogger(MetricStreamEndpoint.class);

    @Inject
    FunctionAutoscaler autoscaler;

    @Inject
    OperatorConfig config;

    @Inject
    Clock clock;

    @Inject
    Vertx vertx;

    @Inject
    MeterRegistry registry;

    @Inject
    @Channel(CHANNEL)
    MutinyEmitter<MetricSnapshot> merged;

    private final SnapshotMerger merger = new SnapshotMerger();
    private final Set<ServerWebSocket> sockets = ConcurrentHashMap.newKeySet();
    private volatile boolean leading;
    private ScheduledExecutorService work;
    private Counter badFrames;

    void routes(@Observes Router router) {
        badFrames = Counter.builder("mu.metric.stream.bad.frames").description("Metric stream frames that could not be read")
                .register(registry);
        router.route(MetricFrames.PATH).handler(this::accept);
    }

    /** This instance leads: take the streams, decide every tick. */
    public synchronized void start() {
        if (leading) {
            return;
        }
        work = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mu-autoscaler");
            t.setDaemon(true);
            return t;
        });
        work.scheduleAtFixedRate(() -> merger.take(clock.instant()).forEach(merged::sendAndForget), 1, 1, TimeUnit.SECONDS);
        long tick = config.autoscalerTick().toMillis();
        work.scheduleAtFixedRate(() -> safely("tick", () -> autoscaler.tick(clock.instant())), tick, tick, TimeUnit.MILLISECONDS);
        leading = true;
        LOG.infof("autoscaler: deciding every %s (default policy %s); metric streams taken at %s",
                config.autoscalerTick(), config.autoscaler(), MetricFrames.PATH);
    }

    /** No longer the leader: let the replicas find the new one. */
    public synchronized void stop() {
        leading = false;
        if (work != null) {
            work.shutdownNow();
        }
        sockets.forEach(ServerWebSocket::close);
    }

    @Incoming(CHANNEL)
    public void onSnapshot(MetricSnapshot snapshot) {
        ExecutorService current = work;
        if (leading && current != null) {
            current.execute(() -> safely("snapshot", () -> autoscaler.record(snapshot)));
        }
    }

    private void accept(RoutingContext rc) {
        if (!leading) {
            rc.response().setStatusCode(503).end("mu controller: not the leader; the metric stream goes to the leader\n");
            return;
        }
        rc.request().toWebSocket().onSuccess(ws -> {
            sockets.add(ws);
            Object replica = new Object();
            String[] name = {ws.remoteAddress().toString()};
            ws.textMessageHandler(text -> onFrame(replica, name, text));
            ws.closeHandler(v -> {
                sockets.remove(ws);
                LOG.infof("metric stream: %s left", name[0]);
            });
        });
    }

    private void onFrame(Object replica, String[] name, String text) {
        MetricFrames.Frame frame;
        try {
            frame = MetricFrames.decode(text);
        } catch (MetricFrames.BadFrameException e) {
            badFrames.increment();
            LOG.warnf("metric stream: a frame from %s was dropped: %s", name[0], e.getMessage());
            return;
        }
        if (frame instanceof MetricFrames.Hello hello) {
            name[0] = hello.replica();
            LOG.infof("metric stream: %s joined", hello.replica());
        } else if (frame instanceof MetricFrames.Snapshot snapshot) {
            merger.add(replica, snapshot.snapshot());
        } else if (frame instanceof MetricFrames.Demand demand) {
            ExecutorService current = work;
            if (current != null) {
                current.execute(() -> safely("demand", () -> autoscaler.demand(FunctionKey.parse(demand.function()), clock.instant())));
            }
        }
    }

    private static void safely(String what, Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            LOG.warnf(e, "autoscaler: %s failed; the next one goes on", what);
        }
    }
}
