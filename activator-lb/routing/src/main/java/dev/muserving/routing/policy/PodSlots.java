package dev.muserving.routing.policy;

import dev.muserving.api.FunctionSpec;

/**
 * How many requests a pod runs at once, and how many a header-aware balancer lets it hold before it
 * keeps further requests itself: the running ones plus half as many waiting.
 *
 * @param slots the function's {@link FunctionSpec#slots()}
 * @param holdAt a pod with this many requests in it takes no more from the balancer
 */
record PodSlots(int slots, int holdAt) {

    static PodSlots of(FunctionSpec function) {
        int slots = function.slots();
        return new PodSlots(slots, slots + Math.max(1, slots / 2));
    }
}
