package dev.muserving.dataplane.activator;

import java.time.Duration;

/**
 * How a balancer looks for request bodies that stopped arriving: every {@code periodMillis}, and a
 * body awaited through {@code periods} looks in a row without a byte has been quiet for at least
 * the body timeout (and at most one period more). One look over the open calls per period, instead
 * of a timer reset on every chunk of every body.
 */
record BodyTimeoutSweep(long periodMillis, int periods) {

    private static final long SHORTEST_PERIOD_MILLIS = 50;
    private static final long LONGEST_PERIOD_MILLIS = 1_000;

    static BodyTimeoutSweep of(Duration timeout) {
        long millis = timeout.toMillis();
        long period = Math.max(SHORTEST_PERIOD_MILLIS, Math.min(LONGEST_PERIOD_MILLIS, millis / 20));
        // the first look may come just after the last byte: one look more than the timeout holds
        return new BodyTimeoutSweep(period, (int) ((millis + period - 1) / period) + 1);
    }

    /** A rate in bytes a second as bytes a period. */
    double bytesPerPeriod(long bytesPerSecond) {
        return bytesPerSecond * periodMillis / 1000.0;
    }
}
