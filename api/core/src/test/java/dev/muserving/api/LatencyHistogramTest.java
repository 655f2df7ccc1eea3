package dev.muserving.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void aQuantileIsItsBucketsUpperBoundAtMostTwelvePercentHighNeverLow() {
        LatencyHistogram.Recorder recorder = new LatencyHistogram.Recorder();
        for (int i = 1; i <= 100; i++) {
            recorder.record(i); // 1..100 ms
        }
        LatencyHistogram histogram = recorder.take();
        assertThat(histogram.count()).isEqualTo(100);
        assertThat(histogram.quantile(0.99)).isBetween(99.0, 99.0 * 1.13);
        assertThat(histogram.quantile(0.5)).isBetween(50.0, 50.0 * 1.13);
        assertThat(recorder.take()).isEqualTo(LatencyHistogram.EMPTY);
    }

    @Test
    void histogramsAddUpExactlySoTheQuantileOfTheSumIsTheQuantileOfTheWhole() {
        LatencyHistogram.Recorder a = new LatencyHistogram.Recorder();
        LatencyHistogram.Recorder b = new LatencyHistogram.Recorder();
        LatencyHistogram.Recorder whole = new LatencyHistogram.Recorder();
        for (int i = 0; i < 1000; i++) {
            double ms = 3 + (i * 7919 % 1000) / 2.0;
            (i % 3 == 0 ? a : b).record(ms);
            whole.record(ms);
        }
        LatencyHistogram sum = a.take().plus(b.take());
        assertThat(sum).isEqualTo(whole.take());
        assertThat(LatencyHistogram.of(sum.buckets())).isEqualTo(sum);
    }

    @Test
    void theEdgesHoldEverythingAndNothingRecordedHasNoQuantile() {
        assertThat(LatencyHistogram.bucketOf(0.2)).isZero();
        assertThat(LatencyHistogram.bucketOf(Double.NaN)).isZero();
        assertThat(LatencyHistogram.bucketOf(5e9)).isEqualTo(LatencyHistogram.BUCKETS - 1);
        assertThat(LatencyHistogram.EMPTY.quantile(0.99)).isNaN();
        assertThatThrownBy(() -> LatencyHistogram.of(Map.of(LatencyHistogram.BUCKETS, 1L))).hasMessageContaining("bucket 121");
    }
}
