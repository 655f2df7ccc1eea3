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
 * {@code /ready} is asked every 100 ms, and requests go round-robin to those that said yes.
 */
final class ReadinessBalancer implements AutoCloseable {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor();
    private final Map<Integer, Boolean> ready = new ConcurrentHashMap<>();
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
        poller.scheduleWithFixedDelay(() -> adminByPort.forEach((port, admin) -> ready.put(port, isReady(admin))), 0, 100,
                TimeUnit.MILLISECONDS);
    }

    private boolean isReady(int admin) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + "/ready")).timeout(Duration.ofMillis(500)).build(),
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
