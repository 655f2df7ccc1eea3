package dev.muserving.operator.app;

import dev.muserving.api.FunctionKey;
import dev.muserving.dataplane.stream.MetricFrames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The controller's end of the metric stream (docs/protocol.md, "Metric stream"): every activator-lb
 * replica holds one WebSocket to {@value MetricFrames#PATH} on the controller's HTTP port. Only the
 * leader takes them (the others answer 503, and the replica tries again); when it stops leading it
 * closes them, so the replicas find the new leader. A frame that cannot be read is counted and
 * logged, and the stream goes on.
 */
@ApplicationScoped
public class MetricStreamEndpoint {

    private static final Logger LOG = Logger.getLogger(MetricStreamEndpoint.class);

    @Inject
    AutoscalerRunner autoscaler;

    @Inject
    MeterRegistry registry;

    private final Set<ServerWebSocket> sockets = ConcurrentHashMap.newKeySet();
    private Counter badFrames;

    void routes(@Observes Router router) {
        badFrames = Counter.builder("mu.metric.stream.bad.frames").description("Metric stream frames that could not be read")
                .register(registry);
        router.route(MetricFrames.PATH).handler(this::accept);
    }

    /** This instance no longer leads: the replicas are to find the one that does. */
    public void closeAll() {
        sockets.forEach(ServerWebSocket::close);
    }

    private void accept(RoutingContext rc) {
        if (!autoscaler.running()) {
            rc.response().setStatusCode(503).end("mu controller: not the leader; the metric stream goes to the leader\n");
            return;
        }
        rc.request().toWebSocket().onSuccess(ws -> {
            sockets.add(ws);
            Object replica = new Object();
            String[] name = {String.valueOf(ws.remoteAddress())};
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
            autoscaler.snapshot(replica, snapshot.snapshot());
        } else if (frame instanceof MetricFrames.Demand demand) {
            autoscaler.demand(FunctionKey.parse(demand.function()));
        }
    }
}
