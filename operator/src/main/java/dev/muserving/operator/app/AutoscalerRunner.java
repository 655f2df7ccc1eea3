package dev.muserving.operator.app;

import dev.muserving.api.FunctionKey;
import dev.muserving.api.MetricSnapshot;
import dev.muserving.operator.autoscaling.FunctionAutoscaler;
import dev.muserving.operator.autoscaling.SnapshotMerger;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Runs the autoscaler while this instance leads: the activator-lbs' snapshots, merged across
 * replicas once a second, enter the {@value #CHANNEL} channel, which feeds the autoscaler; demand
 * goes to it at once; it decides every tick. All of its work runs on one thread of its own, never
 * on an event loop.
 */
@ApplicationScoped
public class AutoscalerRunner {

    public static final String CHANNEL = "mu-metrics";
    private static final Logger LOG = Logger.getLogger(AutoscalerRunner.class);

    @Inject
    FunctionAutoscaler autoscaler;

    @Inject
    OperatorConfig config;

    @Inject
    Clock clock;

    @Inject
    @Channel(CHANNEL)
    MutinyEmitter<MetricSnapshot> merged;

    private final SnapshotMerger merger = new SnapshotMerger();
    private volatile ScheduledExecutorService work;

    /** This instance leads: decide every tick, take snapshots and demand. */
    public synchronized void start() {
        if (work != null) {
            return;
        }
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mu-autoscaler");
            t.setDaemon(true);
            return t;
        });
        executor.scheduleAtFixedRate(() -> merger.take(clock.instant()).forEach(merged::sendAndForget), 1, 1, TimeUnit.SECONDS);
        long tick = config.autoscalerTick().toMillis();
        executor.scheduleAtFixedRate(() -> safely("tick", () -> autoscaler.tick(clock.instant())), tick, tick, TimeUnit.MILLISECONDS);
        work = executor;
        LOG.infof("autoscaler: deciding every %s (default policy %s)", config.autoscalerTick(), config.autoscaler());
    }

    public synchronized void stop() {
        if (work != null) {
            work.shutdownNow();
            work = null;
        }
    }

    public boolean running() {
        return work != null;
    }

    /** One activator-lb replica's snapshot; merged with the others' before the autoscaler sees it. */
    public void snapshot(Object replica, MetricSnapshot snapshot) {
        merger.add(replica, snapshot);
    }

    /** A request waits in an activator-lb for a function with no ready pod. */
    public void demand(FunctionKey function) {
        ExecutorService current = work;
        if (current != null) {
            current.execute(() -> safely("demand", () -> autoscaler.demand(function, clock.instant())));
        }
    }

    @Incoming(CHANNEL)
    public void onSnapshot(MetricSnapshot snapshot) {
        ExecutorService current = work;
        if (current != null) {
            current.execute(() -> safely("snapshot", () -> autoscaler.record(snapshot)));
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
