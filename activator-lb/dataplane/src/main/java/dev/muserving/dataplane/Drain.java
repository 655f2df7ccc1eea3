package dev.muserving.dataplane;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waiting, on shutdown, for the requests a component holds to finish: done when {@link #check}
 * finds nothing left, or when the timeout passes. Runs on the component's event loop.
 */
public final class Drain {

    private final Promise<Void> done = Promise.promise();
    private final BooleanSupplier empty;

    private Drain(BooleanSupplier empty) {
        this.empty = empty;
    }

    public static Drain start(Vertx vertx, Duration timeout, BooleanSupplier empty) {
        Drain drain = new Drain(empty);
        long timer = vertx.setTimer(timeout.toMillis(), id -> drain.done.tryComplete());
        drain.done.future().onComplete(x -> vertx.cancelTimer(timer));
        drain.check();
        return drain;
    }

    /** Call whenever a request finishes. */
    public void check() {
        if (empty.getAsBoolean()) {
            done.tryComplete();
        }
    }

    public Future<Void> future() {
        return done.future();
    }
}
