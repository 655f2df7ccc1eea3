package dev.muserving.operator.autoscaling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muserving.api.MetricSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotMergerTest {

    private static final Instant T = Instant.parse("2026-12-02T10:00:00Z");
    private static final Duration SECOND = Duration.ofSeconds(1);

    private static MetricSnapshot snapshot(String function, long arrivals, int held) {
        return new MetricSnapshot(function, T, SECOND, arrivals, arrivals, arrivals / 10.0, held, List.of());
    }

    @Test
    void replicasAddUpAndAReplicasSecondSnapshotInAPeriodFollowsItsFirst() {
        SnapshotMerger merger = new SnapshotMerger();
        merger.add("lb-a", snapshot("demo/echo", 10, 4));
        merger.add("lb-a", snapshot("demo/echo", 20, 1)); // a late tick: the same replica twice in one period
        merger.add("lb-b", snapshot("demo/echo", 5, 2));
        merger.add("lb-b", snapshot("demo/other", 1, 0));

        List<MetricSnapshot> merged = merger.take(T.plusSeconds(1));

        assertThat(merged).extracting(MetricSnapshot::function).containsExactly("demo/echo", "demo/other");
        MetricSnapshot echo = merged.get(0);
        assertThat(echo.arrivals()).isEqualTo(35);
        assertThat(echo.bufferedRequests()).isEqualTo(3); // lb-a's latest 1, lb-b's 2
        assertThat(echo.interval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(echo.at()).isEqualTo(T.plusSeconds(1));
        assertThat(merger.take(T.plusSeconds(2))).isEmpty();
    }
}
