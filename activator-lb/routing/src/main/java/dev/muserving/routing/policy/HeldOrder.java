package dev.muserving.routing.policy;

/**
 * Which request a balancer sends next when it holds several for one function.
 *
 * <p>{@link #OLDEST_FIRST} is what a queue does, and what Knative's activator does. Under a standing
 * backlog it makes every request late: each waits behind all the late ones before it.
 * {@link #ON_TIME_FIRST} is the adaptive LIFO of Facebook's "Fail at Scale" (ACM Queue, 2015): while
 * the oldest request can still meet the function's latency objective the order is first come, first
 * served; once it cannot, the newest goes first, since it still can. The late requests are served
 * when the newest is late too, or time out, as they would behind the backlog anyway. Both orders
 * serve the same number of requests per second; only who waits changes.
 */
public enum HeldOrder {
    OLDEST_FIRST,
    ON_TIME_FIRST;

    /**
     * Whether the newest held request goes before the oldest, given how long each has waited and
     * the function's latency objective.
     */
    public boolean newestFirst(double oldestWaitMs, double newestWaitMs, double sloMs) {
        return this == ON_TIME_FIRST && oldestWaitMs > sloMs && newestWaitMs <= sloMs;
    }
}
