package dev.muserving.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a Service's endpoints do for the activator-lb replicas, in miniature: each replica's
 * {@code /ready} is asked every 100 ms, and requests go round-robin to those that are ready. As the
 * kubelet does (failureThreshold 3, timeoutSeconds 1), a replica is taken out only after three
 * probes in a row failed, so that one slow answer on a busy machine does not empty the endpoints.
 */
final class ReadinessBalancer implements AutoCloseable {

    private static final int FAILURE_THRESHOLD = 3;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(1)).build();
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor();
    private final Map<Integer, Boolean> ready = new ConcurrentHashMap<>();
    private final Map<Integer, Integer> failuresInARow = new ConcurrentHashMap<>();
    private final Map<Integer, AtomicInteger> served = new ConcurrentHashMap<>();
    private final List<Integer> ports;
    private final AtomicInteger turn = new AtomicInteger();

    /** @param adminByPort each replica's invocation port and its admin port */
    ReadinessBalancer(Map<Integer, Integer> adminByPort) {
        this.ports = List.copyOf(adminByPort.keySet());
        adminByPort.forEach((port, admin) -> {
            ready.put(port, true);
            served.put(port, new AtomicInteger());
        });
        poller.scheduleWithFixedDelay(() -> adminByPort.forEach(this::probe), 0, 100, TimeUnit.MILLISECONDS);
    }

    private void probe(int port, int admin) {
        int failures = probeSays(admin) ? 0 : failuresInARow.getOrDefault(port, 0) + 1;
        failuresInARow.put(port, failures);
        ready.put(port, failures < FAILURE_THRESHOLD);
    }

    private boolean probeSays(int admin) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + "/ready")).timeout(Duration.ofSeconds(1)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    /** The next ready replica's address for {@code path}. */
    URI next(String path) {
        for (int i = 0; i < ports.size(); i++) {
            int port = ports.get(Math.floorMod(turn.getAndIncrement(), ports.size()));
            if (ready.get(port)) {
                served.get(port).incrementAndGet();
                return URI.create("http://127.0.0.1:" + port + path);
            }
        }
        throw new IllegalStateException("no activator-lb replica is ready");
    }

    int servedBy(int port) {
        return served.get(port).get();
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
