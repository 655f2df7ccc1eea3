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

    /** A request's place: running, or waiting until {@code onAdmitted} (or {@code onTurnedAway}) runs. */
    final class Ticket {
        private final Runnable onAdmitted;
        private final Runnable onTurnedAway;
        private boolean cancelled;
        private boolean admitted;

        private Ticket(Runnable onAdmitted, Runnable onTurnedAway) {
            this.onAdmitted = onAdmitted;
            this.onTurnedAway = onTurnedAway;
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
     * A queued request runs {@code onTurnedAway} instead if {@link #turnAwayWaiting} comes first.
     *
     * @return its ticket, or null when the queue is full
     */
    Ticket enter(Runnable onAdmitted, Runnable onTurnedAway) {
        Ticket ticket = new Ticket(onAdmitted, onTurnedAway);
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

    /** Empties the queue, telling each waiting request it will not run here (the pod is leaving). */
    void turnAwayWaiting() {
        while (!waiting.isEmpty()) {
            Ticket next = waiting.pollFirst();
            if (!next.cancelled) {
                next.cancel();
                next.onTurnedAway.run();
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
