package dev.muserving.dataplane;

import io.vertx.core.Context;
import io.vertx.core.impl.ContextInternal;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The data plane's per-request and per-connection time limits, as tasks in the scheduled queue of
 * the Netty event loop that runs the context, instead of Vert.x timers. The proxies set and cancel
 * one or two per request, and almost all are cancelled; a Vert.x timer adds an entry in a
 * concurrent map and a handler object to that task, and they took 5.7 % of the activator-lb's
 * event-loop samples under lb-bench (docs/dataplane.md, "Per-request time limits"). Set and
 * cancelled on the event loop's own thread, a limit is an insertion into and a removal from its
 * priority queue. Unlike a timing wheel it needs no thread of its own that ticks while the process
 * is idle, which every queue-proxy on an edge node would pay, and it fires on time.
 */
public final class Deadlines {

    private Deadlines() {}

    /** A time limit that runs its action once, unless cancelled first. Confined to the context that set it. */
    public static final class Deadline {
        private ScheduledFuture<?> task;
        private boolean done;

        private Deadline() {}

        /** It will not fire. Idempotent, and harmless once it has fired. */
        public void cancel() {
            if (!done) {
                done = true;
                task.cancel(false);
            }
        }
    }

    /** Runs {@code action} on {@code context} after {@code millis}, unless {@link Deadline#cancel} comes first there. */
    public static Deadline after(Context context, long millis, Runnable action) {
        ContextInternal internal = (ContextInternal) context;
        Deadline deadline = new Deadline();
        // emit runs it at once on an event-loop context's own thread; a worker context hands it to its worker
        deadline.task = internal.nettyEventLoop().schedule(() -> internal.emit(v -> {
            if (!deadline.done) { // cancelled on a worker context after the task was taken but before this ran: nothing to do
                deadline.done = true;
                action.run();
            }
        }), millis, TimeUnit.MILLISECONDS);
        return deadline;
    }
}
