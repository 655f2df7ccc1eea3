package dev.muserving.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetricSnapshotTest {

    private static final Instant T = Instant.parse("2026-12-02T10:00:00Z");
    private static final Duration SECOND = Duration.ofSeconds(1);

    private static MetricSnapshot snapshot(Instant at, Duration interval, long arrivals, double concurrency, int held, PodMetrics... pods) {
        return new MetricSnapshot("demo/echo", at, interval, arrivals, arrivals - 1, concurrency, held, List.of(pods));
    }

    @Test
    void twoReplicasAddUpAndTheLatestReportOfAPodStands() {
        MetricSnapshot a = snapshot(T.plusMillis(400), SECOND, 10, 2.0, 1,
                new PodMetrics("p1", Arch.AMD64, 3, 20), new PodMetrics("p2", Arch.ARM64, 1, 8));
        MetricSnapshot b = snapshot(T.plusMillis(900), SECOND, 6, 1.5, 2, new PodMetrics("p1", Arch.AMD64, 5, 21));

        MetricSnapshot merged = MetricSnapshot.combine("demo/echo", T.plusSeconds(1), SECOND, List.of(b, a));

        assertThat(merged.arrivals()).isEqualTo(16);
        assertThat(merged.completions()).isEqualTo(14);
        assertThat(merged.averageConcurrency()).isEqualTo(3.5);
        assertThat(merged.bufferedRequests()).isEqualTo(3);
        assertThat(merged.pods()).containsExactly(new PodMetrics("p1", Arch.AMD64, 5, 21), new PodMetrics("p2", Arch.ARM64, 1, 8));
        assertThat(merged.at()).isEqualTo(T.plusSeconds(1));
    }

    @Test
    void concurrencyIsWeightedByEachPartsInterval() {
        MetricSnapshot half = snapshot(T, Duration.ofMillis(500), 4, 4.0, 0);
        MetricSnapshot whole = snapshot(T, SECOND, 4, 1.0, 0);

        assertThat(MetricSnapshot.combine("demo/echo", T, SECOND, List.of(half, whole)).averageConcurrency()).isEqualTo(3.0);
    }

    @Test
    void aLaterSnapshotOfTheSameBalancerExtendsTheIntervalAndReplacesTheLevels() {
        MetricSnapshot first = snapshot(T, SECOND, 10, 2.0, 4, new PodMetrics("p1", Arch.AMD64, 3, 20));
        MetricSnapshot second = snapshot(T.plusSeconds(1), SECOND, 2, 1.0, 0);

        MetricSnapshot both = first.then(second);

        assertThat(both.interval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(both.at()).isEqualTo(T.plusSeconds(1));
        assertThat(both.arrivals()).isEqualTo(12);
        assertThat(both.averageConcurrency()).isEqualTo(1.5);
        assertThat(both.bufferedRequests()).isZero();
        assertThat(both.pods()).isEmpty();
    }

    @Test
    void snapshotsOfAnotherFunctionAreRefused() {
        MetricSnapshot other = new MetricSnapshot("demo/other", T, SECOND, 1, 1, 1, 0, List.of());
        assertThatThrownBy(() -> MetricSnapshot.combine("demo/echo", T, SECOND, List.of(other)))
                .hasMessageContaining("demo/other");
        assertThatThrownBy(() -> snapshot(T, SECOND, 1, 1, 0).then(other)).hasMessageContaining("demo/other");
    }
}
