package dev.muserving.routing.policy;

import dev.muserving.api.FunctionSpec;

/**
 * How many requests a pod runs at once, and how many a header-aware balancer lets it hold before it
 * keeps further requests itself: the running ones plus half as many waiting.
 *
 * @param slots the function's containerConcurrency, or {@link #UNLIMITED_SLOTS} when it has none
 * @param holdAt a pod with this many requests in it takes no more from the balancer
 */
record PodSlots(int slots, int holdAt) {

    /** Slots assumed for a pod without a concurrency limit (Knative's default target). */
    static final int UNLIMITED_SLOTS = 100;

    static PodSlots of(FunctionSpec function) {
        int slots = function.containerConcurrency() > 0 ? function.containerConcurrency() : UNLIMITED_SLOTS;
        return new PodSlots(slots, slots + Math.max(1, slots / 2));
    }
}
