package dev.muserving.dataplane;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.vertx.core.Context;
import java.util.concurrent.TimeUnit;

/**
 * The data plane's per-request and per-connection time limits, on one hashed timing wheel (Netty's)
 * for the whole process instead of a Vert.x timer each. The proxies set and cancel one or two per
 * request, and almost all are cancelled; a Vert.x timer is a task in the event loop's scheduled
 * queue plus an entry in a concurrent map, and they took 5.7 % of the activator-lb's event-loop
 * samples under lb-bench, these 1.3 % (docs/dataplane.md, "Per-request time limits"). Setting
 * or cancelling a deadline here is a lock-free enqueue. A deadline fires at most one tick ({@value #TICK_MILLIS} ms)
 * late, on the Vert.x context that set it.
 */
public final class Deadlines {

    static final long TICK_MILLIS = 10;

    private static final HashedWheelTimer WHEEL =
            new HashedWheelTimer(new DefaultThreadFactory("mu-deadlines", true), TICK_MILLIS, TimeUnit.MILLISECONDS, 512);

    private Deadlines() {}

    /** A time limit that runs its action once, unless cancelled first. Confined to the context that set it. */
    public static final class Deadline {
        private Timeout timeout;
        private boolean done;

        private Deadline() {}

        /** It will not fire. Idempotent, and harmless once it has fired. */
        public void cancel() {
            if (!done) {
                done = true;
                timeout.cancel();
            }
        }
    }

    /** Runs {@code action} on {@code context} after {@code millis}, unless {@link Deadline#cancel} comes first there. */
    public static Deadline after(Context context, long millis, Runnable action) {
        Deadline deadline = new Deadline();
        deadline.timeout = WHEEL.newTimeout(timeout -> context.runOnContext(v -> {
            if (!deadline.done) { // cancelled on the context after the wheel fired but before this ran: nothing to do
                deadline.done = true;
                action.run();
            }
        }), millis, TimeUnit.MILLISECONDS);
        return deadline;
    }
}
