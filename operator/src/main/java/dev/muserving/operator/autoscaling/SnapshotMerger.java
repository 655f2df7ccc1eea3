package dev.muserving.operator.autoscaling;

import dev.muserving.api.MetricSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges the snapshots of several activator-lb replicas into one per function and period: each
 * replica sees only the requests it carried, so the autoscaler must see their sum. A replica's
 * snapshots within one period follow each other ({@link MetricSnapshot#then}); the replicas' are
 * side by side ({@link MetricSnapshot#combine}). The host calls {@link #take} once a period.
 * Thread-safe.
 */
public final class SnapshotMerger {

    /** function → replica → what it sent this period */
    private final Map<String, Map<Object, MetricSnapshot>> period = new LinkedHashMap<>();

    /** @param replica whatever tells the replicas apart (their connection) */
    public synchronized void add(Object replica, MetricSnapshot snapshot) {
        period.computeIfAbsent(snapshot.function(), f -> new LinkedHashMap<>())
                .merge(replica, snapshot, MetricSnapshot::then);
    }

    /** The period's merged snapshots, stamped {@code now}; the next period starts empty. */
    public synchronized List<MetricSnapshot> take(Instant now) {
        List<MetricSnapshot> merged = new ArrayList<>(period.size());
        period.forEach((function, byReplica) -> {
            List<MetricSnapshot> parts = List.copyOf(byReplica.values());
            Duration interval = parts.stream().map(MetricSnapshot::interval).max(Duration::compareTo).orElseThrow();
            merged.add(MetricSnapshot.combine(function, now, interval, parts));
        });
        period.clear();
        return merged;
    }
}
