package dev.muserving.load;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Open-loop load: requests leave at Poisson arrival times whatever the answers do, so a slow
 * system sees its queue grow as it would with real clients (a closed loop would slow down with it
 * and hide the latency). Seeded, so two runs send the same schedule.
 */
public final class LoadGenerator implements AutoCloseable {

    /** Requests in flight beyond this are not sent and counted as dropped: the client must not become the bottleneck. */
    static final int MAX_IN_FLIGHT = 5_000;

    /** What one second (or the whole run) saw. */
    public record Window(long sent, Map<Integer, Long> byStatus, long errors, long dropped, Histogram latencyMicros) {

        public long ok() {
            return byStatus.entrySet().stream().filter(e -> e.getKey() < 400).mapToLong(Map.Entry::getValue).sum();
        }

        public double p99Millis() {
            return latencyMicros.getTotalCount() == 0 ? 0 : latencyMicros.getValueAtPercentile(99) / 1000.0;
        }

        public double p50Millis() {
            return latencyMicros.getTotalCount() == 0 ? 0 : latencyMicros.getValueAtPercentile(50) / 1000.0;
        }
    }

    private final AsyncRequests requests = new AsyncRequests("mu-load");
    /** How long a stopped run still waits for the answers in flight. */
    static final Duration STOPPED_WAIT = Duration.ofSeconds(2);
    private volatile boolean stopping;
    private volatile Thread sender;

    /** Ends the run early (Ctrl-C): no more requests, the answers in flight awaited briefly, the totals returned. */
    public void stop() {
        stopping = true;
        Thread running = sender;
        if (running != null) {
            LockSupport.unpark(running);
        }
    }

    /**
     * Sends Poisson arrivals at {@code rate} per second for {@code duration}, then waits for the
     * answers (at most {@code timeout}); {@code perSecond} hears each second as it ends.
     *
     * @param body sent with POST when not null, else GET
     */
    public Window run(URI target, double rate, Duration duration, Duration timeout, String body, long seed,
            Consumer<Window> perSecond) {
        if (!(rate > 0)) {
            throw new IllegalArgumentException("rate must be above zero, got " + rate);
        }
        RandomGenerator random = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
        Recorder latency = new Recorder(3);
        Histogram total = new Histogram(3);
        Map<Integer, AtomicLong> status = new ConcurrentHashMap<>();
        Map<Integer, AtomicLong> secondStatus = new ConcurrentHashMap<>();
        AtomicLong errors = new AtomicLong();
        AtomicLong secondErrors = new AtomicLong();
        long sent = 0;
        long dropped = 0;
        long secondSent = 0;
        long secondDropped = 0;

        long start = System.nanoTime();
        long end = start + duration.toNanos();
        long nextSecond = start + 1_000_000_000L;
        double next = start;
        sender = Thread.currentThread();
        while (!stopping) {
            next += -Math.log(1 - random.nextDouble()) / rate * 1e9;
            long at = (long) next;
            while (nextSecond <= Math.min(at, end) && !stopping) {
                parkUntil(nextSecond);
                if (stopping) {
                    break;
                }
                Histogram second = latency.getIntervalHistogram();
                total.add(second);
                perSecond.accept(new Window(secondSent, drain(secondStatus), secondErrors.getAndSet(0), secondDropped, second));
                secondSent = 0;
                secondDropped = 0;
                nextSecond += 1_000_000_000L;
            }
            if (at >= end) {
                break;
            }
            parkUntil(at);
            if (stopping) {
                break;
            }
            if (requests.inFlight() >= MAX_IN_FLIGHT) {
                dropped++;
                secondDropped++;
                continue;
            }
            sent++;
            secondSent++;
            requests.send(target, body, timeout, (code, nanos) -> {
                if (code == AsyncRequests.NO_ANSWER) {
                    errors.incrementAndGet();
                    secondErrors.incrementAndGet();
                    return;
                }
                latency.recordValue(Math.max(1, nanos / 1000));
                status.computeIfAbsent(code, c -> new AtomicLong()).incrementAndGet();
                secondStatus.computeIfAbsent(code, c -> new AtomicLong()).incrementAndGet();
            });
        }
        sender = null;
        long unanswered = requests.awaitAnswers(stopping && timeout.compareTo(STOPPED_WAIT) > 0 ? STOPPED_WAIT : timeout);
        total.add(latency.getIntervalHistogram());
        return new Window(sent, drain(status), errors.get() + unanswered, dropped, total);
    }

    /** Sleeps until {@code nanoTime}, or until {@link #stop} wakes it. */
    private void parkUntil(long nanoTime) {
        long left;
        while (!stopping && (left = nanoTime - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }

    private static Map<Integer, Long> drain(Map<Integer, AtomicLong> counts) {
        Map<Integer, Long> out = new TreeMap<>();
        counts.forEach((code, n) -> out.put(code, n.getAndSet(0)));
        out.values().removeIf(n -> n == 0);
        return out;
    }

    /** Why requests got no answer, over every run so far ({@link AsyncRequests#failures}). */
    public Map<String, Long> failures() {
        return requests.failures();
    }

    @Override
    public void close() {
        requests.close();
    }
}
