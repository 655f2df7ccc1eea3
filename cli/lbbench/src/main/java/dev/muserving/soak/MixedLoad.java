package dev.muserving.soak;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * Open-loop load over several kinds of request (Poisson arrivals, each request's kind drawn by its
 * share, seeded), sent with one Vert.x client that is closed at the end, so that the activator's
 * side of its connections closes too. Every answer goes to {@link Outcomes}: a function that echoes
 * must give back the body it got, byte for byte.
 */
final class MixedLoad {

    /** In flight beyond this, a request is not sent and counted as dropped: the client must not become the bottleneck. */
    static final int MAX_IN_FLIGHT = 5_000;

    /**
     * One kind of request.
     *
     * @param path where it goes, e.g. {@code /fn/soak/echo/}
     * @param bodyBytes 0 for a GET, else a POST with this many bytes that the function echoes
     * @param share its part of the arrivals
     * @param bursty sent only in the first {@link #BURST_ON} of every {@link #BURST_PERIOD}, so its function scales to zero between bursts
     */
    record Kind(String function, String path, int bodyBytes, double share, boolean bursty) {}

    static final Duration BURST_PERIOD = Duration.ofSeconds(60);
    static final Duration BURST_ON = Duration.ofSeconds(10);

    private final Vertx vertx;
    private final int port;
    private final List<Kind> kinds;
    private final List<Buffer> bodies;
    private final Duration timeout;
    private final AtomicLong inFlight = new AtomicLong();
    /** Set when the soak ends early (mu local gone): the run stops sending and waits no more. */
    private volatile boolean stopped;

    MixedLoad(Vertx vertx, int port, List<Kind> kinds, Duration timeout) {
        this.vertx = vertx;
        this.port = port;
        this.kinds = List.copyOf(kinds);
        this.bodies = kinds.stream().map(k -> body(k.bodyBytes())).toList();
        this.timeout = timeout;
    }

    /** Printable bytes that differ along the body, so that a body cut or shuffled on its way does not echo back equal. */
    private static Buffer body(int bytes) {
        Buffer body = Buffer.buffer(bytes);
        for (int i = 0; i < bytes; i++) {
            body.appendByte((byte) ('a' + (i * 7 + i / 26) % 26));
        }
        return body;
    }

    /**
     * Sends at {@code rate} per second for {@code duration}, then waits for the answers, at most
     * the request timeout.
     *
     * @param startNanos the soak's time zero, against which bursts are timed
     */
    void run(double rate, Duration duration, long seed, long startNanos, Outcomes outcomes) {
        if (stopped) {
            return;
        }
        RandomGenerator random = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
        double[] cumulative = new double[kinds.size()];
        double sum = 0;
        for (int i = 0; i < kinds.size(); i++) {
            sum += kinds.get(i).share();
            cumulative[i] = sum;
        }
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(5_000),
                new PoolOptions().setHttp1MaxSize(256).setMaxWaitQueueSize(-1));
        try {
            long end = System.nanoTime() + duration.toNanos();
            double next = System.nanoTime();
            while (true) {
                next += -Math.log(1 - random.nextDouble()) / rate * 1e9;
                if ((long) next >= end || stoppedOrInterrupted()) {
                    break;
                }
                LockSupport.parkNanos((long) next - System.nanoTime());
                double pick = random.nextDouble() * sum;
                int k = 0;
                while (cumulative[k] < pick) {
                    k++;
                }
                Kind kind = kinds.get(k);
                if (kind.bursty() && (System.nanoTime() - startNanos) % BURST_PERIOD.toNanos() >= BURST_ON.toNanos()) {
                    continue;
                }
                if (inFlight.get() >= MAX_IN_FLIGHT) {
                    outcomes.requestDropped();
                    continue;
                }
                send(client, kind, bodies.get(k), outcomes);
            }
            long deadline = System.nanoTime() + timeout.toNanos() + TimeUnit.SECONDS.toNanos(5);
            while (inFlight.get() > 0 && System.nanoTime() < deadline && !stoppedOrInterrupted()) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
            outcomes.unanswered(inFlight.get());
        } finally {
            client.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
    }

    /** Sending stops for good; a run under way returns soon. */
    void stop() {
        stopped = true;
    }

    /** parkNanos returns at once while the thread is interrupted: without this check the loop would send flat out. */
    private boolean stoppedOrInterrupted() {
        return stopped || Thread.currentThread().isInterrupted();
    }

    private void send(HttpClient client, Kind kind, Buffer body, Outcomes outcomes) {
        inFlight.incrementAndGet();
        outcomes.requestSent();
        long sentAt = System.nanoTime();
        RequestOptions options = new RequestOptions().setHost("127.0.0.1").setPort(port).setURI(kind.path())
                .setMethod(kind.bodyBytes() == 0 ? HttpMethod.GET : HttpMethod.POST)
                .setIdleTimeout(timeout.toMillis());
        client.request(options)
                .compose(request -> kind.bodyBytes() == 0 ? request.send() : request.send(body))
                .compose(response -> response.body().map(answer -> new Answer(response, answer)))
                .onComplete(done -> {
                    inFlight.decrementAndGet();
                    long nanos = System.nanoTime() - sentAt;
                    if (done.failed()) {
                        outcomes.failed(kind, sentAt, Outcomes.noAnswer(done.cause()));
                        return;
                    }
                    HttpClientResponse response = done.result().response();
                    Buffer answer = done.result().body();
                    if (response.statusCode() >= 300) {
                        outcomes.failed(kind, sentAt, Outcomes.status(response.statusCode(), answer.toString()));
                    } else if (kind.bodyBytes() > 0 && !answer.equals(body)) {
                        outcomes.failed(kind, sentAt, "body changed on its way (" + body.length() + " bytes sent, " + answer.length() + " back)");
                    } else {
                        outcomes.ok(nanos);
                    }
                });
    }

    private record Answer(HttpClientResponse response, Buffer body) {}

    /** Fails fast when nothing listens: the soak's first check that mu local serves. */
    static Future<Integer> probe(Vertx vertx, int port, String path) {
        HttpClient client = vertx.createHttpClient();
        return client.request(new RequestOptions().setHost("127.0.0.1").setPort(port).setURI(path))
                .compose(r -> r.send().compose(response -> response.body().map(b -> response.statusCode())))
                .eventually(() -> client.close());
    }
}
