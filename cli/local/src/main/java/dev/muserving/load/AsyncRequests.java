package dev.muserving.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends requests without waiting for them and says what came back, counting those still in
 * flight: the client side of open-loop load ({@code mu load}, {@code mu bench --mode emulate}).
 * HTTP/1.1, as the activator-lb speaks it (the JDK would otherwise offer an h2c upgrade on every
 * connection).
 */
public final class AsyncRequests implements AutoCloseable {

    /** One request's end: its status and how long it took, or {@link #NO_ANSWER} when none came (refused, reset, timed out). */
    @FunctionalInterface
    public interface Answer {
        void answered(int status, long nanos);
    }

    /** One request's end with the answer's headers (none when no answer came). */
    @FunctionalInterface
    public interface AnswerWithHeaders {
        void answered(int status, long nanos, HttpHeaders headers);
    }

    public static final int NO_ANSWER = -1;
    private static final HttpHeaders NO_HEADERS = HttpHeaders.of(Map.of(), (name, value) -> true);

    private final ExecutorService executor;
    private final HttpClient client;
    private final AtomicLong inFlight = new AtomicLong();
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();

    /** @param threadName names the client's threads */
    public AsyncRequests(String threadName) {
        executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(executor)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** @param body sent with POST when not null, else GET */
    public void send(URI target, String body, Duration timeout, Answer answer) {
        send(target, body, Map.of(), timeout, answer);
    }

    /** @param headers added to the request */
    public void send(URI target, String body, Map<String, String> headers, Duration timeout, Answer answer) {
        send(target, body, headers, timeout, (status, nanos, answerHeaders) -> answer.answered(status, nanos));
    }

    /** @param headers added to the request; {@code answer} sees the answer's headers too */
    public void send(URI target, String body, Map<String, String> headers, Duration timeout, AnswerWithHeaders answer) {
        inFlight.incrementAndGet();
        long sentAt = System.nanoTime();
        HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(timeout);
        headers.forEach(request::header);
        request = body == null ? request.GET() : request.POST(HttpRequest.BodyPublishers.ofString(body));
        client.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
            inFlight.decrementAndGet();
            long nanos = System.nanoTime() - sentAt;
            if (failure == null) {
                answer.answered(response.statusCode(), nanos, response.headers());
            } else {
                failures.computeIfAbsent(reason(failure), r -> new LongAdder()).increment();
                answer.answered(NO_ANSWER, nanos, NO_HEADERS);
            }
        });
    }

    /** Why requests got no answer, and how many each: {@code "ConnectException (ClosedChannelException)" -> 9} for a refused connection. */
    public Map<String, Long> failures() {
        Map<String, Long> counts = new TreeMap<>();
        failures.forEach((reason, n) -> counts.put(reason, n.sum()));
        return counts;
    }

    /**
     * The failure under the client's CompletionException, with its innermost cause when that is
     * another: "ConnectException (UnresolvedAddressException)", "HttpTimeoutException: request timed out".
     */
    static String reason(Throwable failure) {
        Throwable named = failure;
        while (named instanceof CompletionException && named.getCause() != null) {
            named = named.getCause();
        }
        Throwable root = named;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return describe(named) + (root == named ? "" : " (" + describe(root) + ")");
    }

    private static String describe(Throwable t) {
        String name = t.getClass().getSimpleName();
        return t.getMessage() == null || t.getMessage().isBlank() ? name : name + ": " + t.getMessage();
    }

    public long inFlight() {
        return inFlight.get();
    }

    /** Waits until every request has its answer, at most {@code timeout}; returns how many are still out. */
    public long awaitAnswers(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(10_000_000L);
        }
        return inFlight.get();
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
