package dev.muserving.dataplane.activator;

import dev.muserving.api.MetricSnapshot;

/**
 * Where the per-second snapshots go: the autoscaler's side of the metric stream. Called from a
 * Vert.x thread; implementations hand the snapshot on and never block.
 */
@FunctionalInterface
public interface MetricSink {

    MetricSink NONE = snapshot -> {};

    void publish(MetricSnapshot snapshot);
}
