package dev.muserving.api;

/**
 * A function's pods by phase, as the autoscaler sees them when it decides.
 *
 * @param ready pods serving requests
 * @param starting pods bound to a node and not ready yet
 * @param pending pods wanted but not placed on any node (no room)
 */
public record ReplicaCounts(int ready, int starting, int pending) {

    public static final ReplicaCounts NONE = new ReplicaCounts(0, 0, 0);

    public ReplicaCounts {
        if (ready < 0 || starting < 0 || pending < 0) {
            throw new IllegalArgumentException("replica counts cannot be negative");
        }
    }

    public int total() {
        return ready + starting + pending;
    }
}
