package dev.muserving.autoscaler.policy;

import java.time.Duration;
import java.time.Instant;

/**
 * A sliding window of per-second sums, averaged the way Knative's {@code TimedFloat64Buckets} does
 * (linear average): a window that has not filled yet averages over the seconds since the first
 * value, seconds without a value count as zero, and a window with nothing recorded for its whole
 * length has no data.
 */
final class TimedBuckets {

    private final double[] buckets;
    private final long granularityMillis;
    private double windowTotal;
    private long firstWrite = Long.MIN_VALUE;
    private long lastWrite = Long.MIN_VALUE;
    /** A report that counts until a value recorded at or after it replaces it; null when none. */
    private Instant provisionalAt;
    private double provisional;

    TimedBuckets(Duration window, Duration granularity) {
        this.granularityMillis = granularity.toMillis();
        long count = window.toMillis() / granularityMillis;
        if (count < 1 || window.toMillis() % granularityMillis != 0) {
            throw new IllegalArgumentException(
                    "window " + window + " must be a positive multiple of the granularity " + granularity);
        }
        this.buckets = new double[(int) count];
    }

    void record(Instant at, double value) {
        if (provisionalAt != null && !at.isBefore(provisionalAt)) {
            Instant replaced = provisionalAt;
            provisionalAt = null;
            add(replaced, -provisional);
        }
        add(at, value);
    }

    /**
     * Records a value that the next value recorded at or after {@code at} replaces: an early report
     * of what a later, complete one will also contain. A second one replaces the first.
     */
    void recordProvisional(Instant at, double value) {
        if (provisionalAt != null) {
            add(provisionalAt, -provisional);
        }
        provisionalAt = at;
        provisional = value;
        add(at, value);
    }

    private void add(Instant at, double value) {
        long bucket = bucketOf(at);
        if (isEmpty()) {
            firstWrite = bucket;
            lastWrite = bucket;
        } else if (bucket > lastWrite) {
            advanceTo(bucket);
        } else if (bucket <= lastWrite - buckets.length) {
            return; // older than the window: nothing to add to
        }
        buckets[index(bucket)] += value;
        windowTotal += value;
    }

    boolean isEmpty() {
        return firstWrite == Long.MIN_VALUE;
    }

    /** True when something was recorded within the window that ends at {@code now}. */
    boolean hasData(Instant now) {
        return !isEmpty() && bucketOf(now) - lastWrite < buckets.length;
    }

    /** The average per bucket over the window that ends at {@code now}; 0 without data. */
    double average(Instant now) {
        if (!hasData(now)) {
            return 0;
        }
        long end = Math.max(bucketOf(now), lastWrite);
        long start = Math.max(firstWrite, end - buckets.length + 1);
        double total = 0;
        for (long b = start; b <= lastWrite; b++) {
            total += buckets[index(b)];
        }
        return total / (end - start + 1);
    }

    private void advanceTo(long bucket) {
        long gap = bucket - lastWrite;
        if (gap >= buckets.length) {
            java.util.Arrays.fill(buckets, 0);
            windowTotal = 0;
        } else {
            for (long b = lastWrite + 1; b <= bucket; b++) {
                windowTotal -= buckets[index(b)];
                buckets[index(b)] = 0;
            }
        }
        lastWrite = bucket;
    }

    private long bucketOf(Instant at) {
        return Math.floorDiv(at.toEpochMilli(), granularityMillis);
    }

    private int index(long bucket) {
        return (int) Math.floorMod(bucket, (long) buckets.length);
    }
}
