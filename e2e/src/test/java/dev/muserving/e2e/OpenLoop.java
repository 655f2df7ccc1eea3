package dev.muserving.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Open-loop load as a user's clients make it: requests at a fixed rate per phase, whatever the
 * answers do, each outcome kept by the second it was sent in. Nothing here retries.
 */
final class OpenLoop implements AutoCloseable {

    /** A stretch of the run at one rate. */
    record Phase(int rps, Duration length) {}

    /** One request's fate: its HTTP status (0 when it got none, and then why) and latency. */
    record Outcome(int secondSent, int status, double millis, String error) {}

    /** HTTP/1.1, as load tools (wrk, vegeta) speak: Java's HTTP/2 client fails requests beyond the server's stream limit instead of queueing them. */
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final List<Outcome> outcomes = new CopyOnWriteArrayList<>();

    /** Sends the phases one after another to {@code uri}; returns when the last request is answered. */
    List<Outcome> run(URI uri, List<Phase> phases) throws InterruptedException {
        return run(() -> uri, phases);
    }

    /** The same, each request to the address {@code target} gives at the moment it is sent (a load balancer's choice). */
    List<Outcome> run(Supplier<URI> target, List<Phase> phases) throws InterruptedException {
        long start = System.nanoTime();
        long offset = 0;
        List<CompletableFuture<?>> pending = new CopyOnWriteArrayList<>();
        long total = 0;
        for (Phase phase : phases) {
            total += phase.rps() <= 0 ? 0 : (phase.length().toNanos() + 1_000_000_000L / phase.rps() - 1) / (1_000_000_000L / phase.rps());
        }
        CountDownLatch allSent = new CountDownLatch((int) total);
        for (Phase phase : phases) {
            if (phase.rps() > 0) {
                long every = 1_000_000_000L / phase.rps();
                for (long at = offset; at < offset + phase.length().toNanos(); at += every) {
                    long sendAt = at;
                    timer.schedule(() -> {
                        int second = (int) ((System.nanoTime() - start) / 1_000_000_000L);
                        long t0 = System.nanoTime();
                        try {
                            pending.add(http.sendAsync(HttpRequest.newBuilder(target.get()).timeout(Duration.ofSeconds(60)).build(),
                                            HttpResponse.BodyHandlers.discarding())
                                    .handle((response, failure) -> outcomes.add(new Outcome(second, response == null ? 0 : response.statusCode(),
                                            (System.nanoTime() - t0) / 1e6, failure == null ? null : String.valueOf(failure)))));
                        } catch (RuntimeException notSent) {
                            // the executor would swallow it, and the run would wait for this request for ever
                            outcomes.add(new Outcome(second, 0, 0, "not sent: " + notSent));
                        } finally {
                            allSent.countDown();
                        }
                    }, sendAt, TimeUnit.NANOSECONDS);
                }
            }
            offset += phase.length().toNanos();
        }
        allSent.await();
        for (CompletableFuture<?> request : pending) {
            request.exceptionally(e -> null).join();
        }
        return List.copyOf(outcomes);
    }

    /** The outcomes that were not 200, by status, or by the error when there was no answer. */
    static Map<String, Long> failures(List<Outcome> outcomes) {
        Map<String, Long> failed = new TreeMap<>();
        outcomes.stream().filter(o -> o.status() != 200)
                .forEach(o -> failed.merge(o.status() == 0 ? "no answer, second " + o.secondSent() + ": " + o.error() : "HTTP " + o.status(),
                        1L, Long::sum));
        return failed;
    }

    /** Each second's p99 latency of the requests sent in it, in ms. */
    static Map<Integer, Double> p99BySecond(List<Outcome> outcomes) {
        Map<Integer, List<Double>> bySecond = new TreeMap<>();
        outcomes.forEach(o -> bySecond.computeIfAbsent(o.secondSent(), s -> new ArrayList<>()).add(o.millis()));
        Map<Integer, Double> p99 = new TreeMap<>();
        bySecond.forEach((second, latencies) -> {
            latencies.sort(Double::compare);
            p99.put(second, latencies.get(Math.min(latencies.size() - 1, (int) Math.ceil(latencies.size() * 0.99) - 1)));
        });
        return p99;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
