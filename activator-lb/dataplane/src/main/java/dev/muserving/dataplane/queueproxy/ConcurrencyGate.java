package dev.muserving.dataplane.queueproxy;

import java.util.ArrayDeque;

/**
 * containerConcurrency enforced: at most {@code slots} requests run at once, the rest wait in
 * arrival order up to {@code queueDepth}. Knative's queue-proxy breaker. Runs on one event loop and
 * is not thread-safe.
 */
final class ConcurrencyGate {

    private final int slots;
    private final int queueDepth;
    private final ArrayDeque<Ticket> waiting = new ArrayDeque<>();
    private int running;
    private int waitingCount;

    /** @param slots 0 means no limit */
    ConcurrencyGate(int slots, int queueDepth) {
        this.slots = slots;
        this.queueDepth = queueDepth;
    }

    /** A request's place: running, or waiting until {@code onAdmitted} runs. */
    final class Ticket {
        private final Runnable onAdmitted;
        private boolean cancelled;
        private boolean admitted;

        private Ticket(Runnable onAdmitted) {
            this.onAdmitted = onAdmitted;
        }

        /** Gives up a waiting place (the client went away); a running request leaves instead. */
        void cancel() {
            if (!admitted && !cancelled) {
                cancelled = true;
                waitingCount--;
            }
        }

        boolean admitted() {
            return admitted;
        }

        private void admit() {
            admitted = true;
            running++;
            onAdmitted.run();
        }
    }

    /**
     * Admits the request now (running {@code onAdmitted} before returning), queues it, or refuses it.
     *
     * @return its ticket, or null when the queue is full
     */
    Ticket enter(Runnable onAdmitted) {
        Ticket ticket = new Ticket(onAdmitted);
        if (slots == 0 || running < slots) {
            ticket.admit();
            return ticket;
        }
        if (waitingCount >= queueDepth) {
            return null;
        }
        waiting.addLast(ticket);
        waitingCount++;
        return ticket;
    }

    /** A running request finished: the next waiting one runs. */
    void leave() {
        running--;
        while (!waiting.isEmpty() && (slots == 0 || running < slots)) {
            Ticket next = waiting.pollFirst();
            if (!next.cancelled) {
                waitingCount--;
                next.admit();
            }
        }
    }

    int running() {
        return running;
    }

    int waiting() {
        return waitingCount;
    }

    /** Running and waiting: what Mu-Queue-Length reports. */
    int inPod() {
        return running + waitingCount;
    }
}
