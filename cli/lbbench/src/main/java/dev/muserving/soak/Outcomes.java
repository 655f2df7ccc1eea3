package dev.muserving.soak;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;


/**
 * What the soak's requests got: answers that were right, and every failure with its cause and
 * when its request was sent, so that failures can be laid against the pod kills afterwards.
 * Written from the client's event loop, read by the soak's thread.
 */
final class Outcomes {

    /** A request that did not get the right answer. */
    record Failure(String function, String request, long sentAtNanos, long answeredAtNanos, String cause) {}

    private final LongAdder sent = new LongAdder();
    private final LongAdder ok = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder unanswered = new LongAdder();
    private final ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();
    private final Histogram latency = new ConcurrentHistogram(3);

    void requestSent() {
        sent.increment();
    }

    void ok(long nanos) {
        ok.increment();
        latency.recordValue(Math.max(1, nanos / 1000));
    }

    void failed(MixedLoad.Kind kind, long sentAtNanos, String cause) {
        failures.add(new Failure(kind.function(), kind.bodyBytes() == 0 ? "GET" : "POST " + kind.bodyBytes() + " B", sentAtNanos, System.nanoTime(),
                cause));
    }

    void requestDropped() {
        dropped.increment();
    }

    void unanswered(long count) {
        unanswered.add(count);
    }

    long sent() {
        return sent.sum();
    }

    long ok() {
        return ok.sum();
    }

    long dropped() {
        return dropped.sum();
    }

    long unanswered() {
        return unanswered.sum();
    }

    List<Failure> failures() {
        return List.copyOf(failures);
    }

    /** Latency of the right answers so far, in microseconds. */
    Histogram latencyMicros() {
        return latency.copy();
    }

    /** A status as a cause: the code and the first line of the body, which says who answered and why. */
    static String status(int code, String body) {
        String line = body.lines().findFirst().orElse("").strip();
        return code + " " + (line.length() > 100 ? line.substring(0, 100) + "…" : line);
    }

    static String noAnswer(Throwable cause) {
        String message = cause.getMessage() == null ? "" : ": " + cause.getMessage().lines().findFirst().orElse("");
        return "no answer: " + cause.getClass().getSimpleName() + message;
    }

    /** Counts by cause, by name. */
    static Map<String, Long> byCause(List<Failure> failures) {
        Map<String, Long> counts = new TreeMap<>();
        failures.forEach(f -> counts.merge(f.cause(), 1L, Long::sum));
        return counts;
    }
}
