package dev.muserving.activator.app;

import dev.muserving.api.MetricSnapshot;
import dev.muserving.dataplane.activator.MetricSink;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Channel;

/**
 * The balancers' per-second snapshots go out on the {@value #CHANNEL} channel. In this app the
 * autoscaler consumes it in-process ({@link AutoscalerFeed}); the controller will consume it across
 * processes once the Kubernetes loop lands, by giving the channel a connector, with no change here.
 */
@ApplicationScoped
public class MetricStream implements MetricSink {

    public static final String CHANNEL = "mu-metrics";

    @Inject
    @Channel(CHANNEL)
    MutinyEmitter<MetricSnapshot> emitter;

    @Override
    public void publish(MetricSnapshot snapshot) {
        emitter.sendAndForget(snapshot);
    }
}
