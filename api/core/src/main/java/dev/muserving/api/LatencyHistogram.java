package dev.muserving.api;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Request latencies as counts in log-spaced buckets, so that the histograms of several balancers,
 * replicas and seconds add up exactly and a quantile of the sum is as good as one of the whole:
 * bucket {@code i} holds latencies in [{@code 10^(i/20)}, {@code 10^((i+1)/20)}) ms (12 % wide),
 * bucket 0 everything under 1.12 ms, the last everything from 1,000 s on. A quantile is reported as
 * its bucket's upper bound: at most 12 % high, never low. Immutable; {@link Recorder} fills one.
 */
public final class LatencyHistogram {

    static final int PER_DECADE = 20;
    static final int BUCKETS = 6 * PER_DECADE + 1;
    public static final LatencyHistogram EMPTY = new LatencyHistogram(new long[BUCKETS]);

    private final long[] counts;
    private final long total;

    private LatencyHistogram(long[] counts) {
        this.counts = counts;
        this.total = Arrays.stream(counts).sum();
    }

    /** From sparse counts by bucket (as the metric stream carries them). */
    public static LatencyHistogram of(Map<Integer, Long> byBucket) {
        long[] counts = new long[BUCKETS];
        byBucket.forEach((bucket, count) -> {
            if (bucket < 0 || bucket >= BUCKETS || count < 0) {
                throw new IllegalArgumentException("bucket " + bucket + " of " + BUCKETS + ", count " + count);
            }
            counts[bucket] += count;
        });
        return new LatencyHistogram(counts);
    }

    public static int bucketOf(double millis) {
        if (!(millis >= 1)) {
            return 0;
        }
        return (int) Math.min(BUCKETS - 1, Math.floor(Math.log10(millis) * PER_DECADE));
    }

    static double upperBound(int bucket) {
        return Math.pow(10, (bucket + 1) / (double) PER_DECADE);
    }

    public long count() {
        return total;
    }

    /** The non-empty buckets and their counts. */
    public Map<Integer, Long> buckets() {
        Map<Integer, Long> sparse = new TreeMap<>();
        for (int i = 0; i < BUCKETS; i++) {
            if (counts[i] > 0) {
                sparse.put(i, counts[i]);
            }
        }
        return Collections.unmodifiableMap(sparse);
    }

    public LatencyHistogram plus(LatencyHistogram other) {
        if (other.total == 0) {
            return this;
        }
        if (total == 0) {
            return other;
        }
        long[] sum = counts.clone();
        for (int i = 0; i < BUCKETS; i++) {
            sum[i] += other.counts[i];
        }
        return new LatencyHistogram(sum);
    }

    /** The {@code q} quantile in ms (its bucket's upper bound), or NaN when nothing was recorded. */
    public double quantile(double q) {
        if (total == 0) {
            return Double.NaN;
        }
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= Math.max(1, rank)) {
                return upperBound(i);
            }
        }
        return upperBound(BUCKETS - 1);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LatencyHistogram other && Arrays.equals(counts, other.counts);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        return "LatencyHistogram" + buckets();
    }

    /** Counts latencies as they come; not thread-safe (one per event loop). */
    public static final class Recorder {
        private long[] counts = new long[BUCKETS];
        private boolean any;

        public void record(double millis) {
            counts[bucketOf(millis)]++;
            any = true;
        }

        /** What was recorded since the last call. */
        public LatencyHistogram take() {
            if (!any) {
                return EMPTY;
            }
            LatencyHistogram taken = new LatencyHistogram(counts);
            counts = new long[BUCKETS];
            any = false;
            return taken;
        }
    }
}
