package dev.muserving.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
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

    private final HttpClient client;
    private final ExecutorService executor;

    public LoadGenerator() {
        executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "mu-load");
            t.setDaemon(true);
            return t;
        });
        // HTTP/1.1 as the activator-lb speaks it (the JDK would otherwise offer an h2c upgrade on every connection)
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(executor)
                .connectTimeout(Duration.ofSeconds(5)).build();
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
        AtomicLong inFlight = new AtomicLong();
        long sent = 0;
        long dropped = 0;
        long secondSent = 0;
        long secondDropped = 0;

        long start = System.nanoTime();
        long end = start + duration.toNanos();
        long nextSecond = start + 1_000_000_000L;
        double next = start;
        while (true) {
            next += -Math.log(1 - random.nextDouble()) / rate * 1e9;
            long at = (long) next;
            while (nextSecond <= Math.min(at, end)) {
                LockSupport.parkNanos(nextSecond - System.nanoTime());
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
            LockSupport.parkNanos(at - System.nanoTime());
            if (inFlight.get() >= MAX_IN_FLIGHT) {
                dropped++;
                secondDropped++;
                continue;
            }
            sent++;
            secondSent++;
            inFlight.incrementAndGet();
            long sentAt = System.nanoTime();
            HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(timeout);
            request = body == null ? request.GET() : request.POST(HttpRequest.BodyPublishers.ofString(body));
            client.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
                inFlight.decrementAndGet();
                if (failure != null) {
                    errors.incrementAndGet();
                    secondErrors.incrementAndGet();
                    return;
                }
                latency.recordValue(Math.max(1, (System.nanoTime() - sentAt) / 1000));
                status.computeIfAbsent(response.statusCode(), c -> new AtomicLong()).incrementAndGet();
                secondStatus.computeIfAbsent(response.statusCode(), c -> new AtomicLong()).incrementAndGet();
            });
        }
        long waitUntil = System.nanoTime() + timeout.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < waitUntil) {
            LockSupport.parkNanos(10_000_000L);
        }
        total.add(latency.getIntervalHistogram());
        return new Window(sent, drain(status), errors.get() + inFlight.get(), dropped, total);
    }

    private static Map<Integer, Long> drain(Map<Integer, AtomicLong> counts) {
        Map<Integer, Long> out = new TreeMap<>();
        counts.forEach((code, n) -> out.put(code, n.getAndSet(0)));
        out.values().removeIf(n -> n == 0);
        return out;
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
