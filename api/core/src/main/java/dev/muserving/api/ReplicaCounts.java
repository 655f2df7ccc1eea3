package dev.muserving.api;

import java.time.Duration;
import java.time.Instant;

/**
 * A function's pods by phase, as the autoscaler sees them when it decides.
 *
 * @param ready pods serving requests
 * @param starting pods bound to a node and not ready yet
 * @param pending pods wanted but not placed on any node (no room)
 * @param startup how long the ready pods took from creation to ready, on average; null when none of
 *     them was seen starting (none is ready, or they were all there before the host began)
 */
public record ReplicaCounts(int ready, int starting, int pending, Duration startup) {

    public static final ReplicaCounts NONE = new ReplicaCounts(0, 0, 0);

    public ReplicaCounts {
        if (ready < 0 || starting < 0 || pending < 0) {
            throw new IllegalArgumentException("replica counts cannot be negative");
        }
        if (startup != null && startup.isNegative()) {
            throw new IllegalArgumentException("a start-up time cannot be negative, got " + startup);
        }
    }

    public ReplicaCounts(int ready, int starting, int pending) {
        this(ready, starting, pending, null);
    }

    public int total() {
        return ready + starting + pending;
    }

    /** Sums the ready pods' start-up times for {@link #startup}. */
    public static final class StartupTimes {

        private long nanos;
        private int pods;

        /** A ready pod created at {@code created}, ready since {@code readyAt}; one ready at its creation was not seen starting. */
        public void add(Instant created, Instant readyAt) {
            if (created != null && readyAt != null && readyAt.isAfter(created)) {
                nanos += Duration.between(created, readyAt).toNanos();
                pods++;
            }
        }

        /** The mean start-up time, or null without any. */
        public Duration mean() {
            return pods == 0 ? null : Duration.ofNanos(nanos / pods);
        }
    }
}
