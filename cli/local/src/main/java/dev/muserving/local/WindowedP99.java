package dev.muserving.local;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The p99 of the requests a timer saw since the previous call, from its cumulative histogram: the
 * difference of two snapshots, read at the bucket that holds the 99th percentile. Rounded up to
 * that bucket's bound, which is what a Prometheus {@code histogram_quantile} over a short range
 * would say too.
 */
final class WindowedP99 {

    private final Map<String, double[]> previous = new HashMap<>();

    synchronized double millis(String key, Timer timer) {
        if (timer == null) {
            return Double.NaN;
        }
        CountAtBucket[] buckets = timer.takeSnapshot().histogramCounts();
        double[] now = new double[buckets.length];
        for (int i = 0; i < buckets.length; i++) {
            now[i] = buckets[i].count();
        }
        double[] before = previous.put(key, now);
        if (before == null || before.length != now.length || buckets.length == 0) {
            before = new double[now.length];
        }
        double total = now[now.length - 1] - before[now.length - 1];
        if (total <= 0) {
            return Double.NaN;
        }
        for (int i = 0; i < now.length; i++) {
            if (now[i] - before[i] >= 0.99 * total) {
                return buckets[i].bucket(TimeUnit.MILLISECONDS);
            }
        }
        return buckets[buckets.length - 1].bucket(TimeUnit.MILLISECONDS);
    }
}
