package dev.muserving.operator.app;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * What the operator does when it stops leading. While running, losing the lease means another
 * instance may lead now, so it exits and lets Kubernetes restart it rather than act as a second
 * leader. While shutting down it does nothing: JOSDK's own exit-on-stop-leading calls
 * {@code System.exit} from inside the shutdown, which hangs a SIGTERMed operator forever.
 */
@Singleton
public class LeaseLoss {

    private static final Logger LOG = Logger.getLogger(LeaseLoss.class);

    private final AtomicBoolean leaving = new AtomicBoolean();

    /** Before the operator stops (QOSDK observes the same event at the default priority). */
    void onShutdown(@Observes @Priority(1) ShutdownEvent event) {
        leaving.set(true);
    }

    void onStopLeading() {
        if (leaving.compareAndSet(false, true)) {
            LOG.error("lost the leader lease while running; exiting so that only the new leader acts");
            // not from this thread: the shutdown that System.exit starts stops leader election, which waits for it
            new Thread(() -> System.exit(1), "mu-lease-lost").start();
        }
    }
}
