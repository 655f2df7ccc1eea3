package dev.muserving.dataplane.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.muserving.api.Arch;
import dev.muserving.api.LatencyHistogram;
import dev.muserving.api.MetricSnapshot;
import dev.muserving.api.PodMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MetricFramesTest {

    private static final Instant T = Instant.parse("2026-12-02T10:00:00.250Z");

    @Test
    void everyFrameComesBackAsItWasSent() {
        MetricSnapshot snapshot = new MetricSnapshot("demo/echo", T, Duration.ofMillis(1000), 12, 11, 1.75, 3,
                List.of(new PodMetrics("echo-amd64-1", Arch.AMD64, 4, 30.5), new PodMetrics("echo-arm64-1", Arch.ARM64, 0, 0)),
                LatencyHistogram.of(Map.of(20, 7L, 43, 4L)));

        assertThat(MetricFrames.decode(MetricFrames.snapshot(snapshot))).isEqualTo(new MetricFrames.Snapshot(snapshot));
        assertThat(MetricFrames.decode(MetricFrames.demand("demo/cold", T))).isEqualTo(new MetricFrames.Demand("demo/cold", T));
        assertThat(MetricFrames.decode(MetricFrames.hello("lb-1"))).isEqualTo(new MetricFrames.Hello("lb-1", MetricFrames.VERSION));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "not json                                                   | not a JSON object",
        "{}                                                         | type: a non-empty string is required",
        "{\"type\":\"gossip\"}                                      | type: unknown frame type 'gossip'",
        "{\"type\":\"demand\",\"function\":\"echo\",\"at\":\"2026-12-02T10:00:00Z\"} | function: 'echo' is not <namespace>/<name>",
        "{\"type\":\"demand\",\"function\":\"demo/echo\",\"at\":\"yesterday\"} | at: not an ISO-8601 instant: 'yesterday'",
        "{\"type\":\"snapshot\",\"function\":\"demo/echo\",\"at\":\"2026-12-02T10:00:00Z\",\"intervalMillis\":1000,\"arrivals\":-1,\"completions\":0,\"averageConcurrency\":0,\"bufferedRequests\":0,\"pods\":[]} | arrivals: a finite number ≥ 0 is required",
        "{\"type\":\"snapshot\",\"function\":\"demo/echo\",\"at\":\"2026-12-02T10:00:00Z\",\"intervalMillis\":0,\"arrivals\":1,\"completions\":0,\"averageConcurrency\":0,\"bufferedRequests\":0,\"pods\":[]} | intervalMillis: must be positive, got 0",
        "{\"type\":\"snapshot\",\"function\":\"demo/echo\",\"at\":\"2026-12-02T10:00:00Z\",\"intervalMillis\":1000,\"arrivals\":1,\"completions\":0,\"averageConcurrency\":0,\"bufferedRequests\":0,\"pods\":[{\"pod\":\"p\",\"arch\":\"riscv64\",\"queueLength\":0,\"serviceRate\":0}]} | pods[0].arch: unknown architecture 'riscv64'",
        "{\"type\":\"snapshot\",\"function\":\"demo/echo\",\"at\":\"2026-12-02T10:00:00Z\",\"intervalMillis\":1000,\"arrivals\":1,\"completions\":0,\"averageConcurrency\":0,\"bufferedRequests\":0,\"pods\":[],\"latencyBuckets\":{\"999\":1}} | latencyBuckets: bucket 999 of 121",
    })
    void aBadFrameIsRefusedNamingTheField(String frame, String message) {
        assertThatThrownBy(() -> MetricFrames.decode(frame)).isInstanceOf(MetricFrames.BadFrameException.class).hasMessageContaining(message);
    }
}
