package dev.muserving.dataplane.function;

import dev.muserving.api.Arch;
import dev.muserving.dataplane.Drain;
import dev.muserving.dataplane.HeadLimits;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/**
 * A small HTTP function for benchmarks, tests and the examples: each request waits a fixed service
 * time (I/O-like, no CPU) or burns CPU for a while (slower on a slower machine, as real work is),
 * then answers. {@code POST} bodies are echoed back. Every response says how many requests the
 * function was serving at once ({@code X-Concurrent}), so tests can check a concurrency limit from
 * the function's side. A request may carry its own size ({@value #SERVICE_QUANTILE_HEADER}: the
 * standard normal quantile of its service time, as {@code mu bench} draws it), so that a replay sends
 * the very requests the simulator served; without it the function draws one.
 *
 * <p>With a parallelism, at most that many requests are served at once and the others wait in
 * arrival order, as in {@code mu bench}'s model of a pod: work that does not speed up with more
 * concurrency.
 */
public final class EmulatedFunction extends AbstractVerticle {

    public static final String CONCURRENT_HEADER = "X-Concurrent";
    public static final String SERVICE_QUANTILE_HEADER = "X-Service-Quantile";
    /** The architecture the function ran on, when it was told one: how a replay counts requests per architecture. */
    public static final String ARCH_HEADER = "X-Node-Arch";
    /** No size in the request: the function draws one. */
    private static final double DRAW = Double.NaN;
    /** Beyond this a quantile is not a size (its chance is below 10⁻²³) and its time would overflow. */
    static final double MAX_QUANTILE = 10;

    private final String name;
    private final int port;
    private final ServiceTime serviceTime;
    private final double cpuMillis;
    private final int parallelism;
    private final Arch arch;
    private final Deque<Runnable> waiting = new ArrayDeque<>();
    private HttpServer server;
    private int concurrent;
    private Drain drain;

    /**
     * @param serviceMillis time each request waits before its answer
     * @param cpuMillis CPU time each request burns (on a worker thread), before the wait
     */
    public EmulatedFunction(String name, int port, double serviceMillis, double cpuMillis) {
        this(name, port, ServiceTime.fixed(serviceMillis), cpuMillis, Integer.MAX_VALUE);
    }

    /** @param parallelism requests served at once; more wait their turn */
    public EmulatedFunction(String name, int port, ServiceTime serviceTime, double cpuMillis, int parallelism) {
        this(name, port, serviceTime, cpuMillis, parallelism, null);
    }

    /** @param arch the node's architecture, said in every answer ({@value #ARCH_HEADER}); null says none */
    public EmulatedFunction(String name, int port, ServiceTime serviceTime, double cpuMillis, int parallelism, Arch arch) {
        if (cpuMillis < 0 || parallelism < 1) {
            throw new IllegalArgumentException("CPU time must not be negative and parallelism must be at least 1");
        }
        this.name = name;
        this.port = port;
        this.serviceTime = serviceTime;
        this.cpuMillis = cpuMillis;
        this.parallelism = parallelism;
        this.arch = arch;
    }

    @Override
    public void start(Promise<Void> started) {
        // it takes what the queue-proxy passes on, as a function behind Mu must (a large cookie or token)
        vertx.createHttpServer(HeadLimits.behindIngress(new HttpServerOptions()).setHost("127.0.0.1").setPort(port))
                .requestHandler(this::handle)
                .listen()
                .onSuccess(s -> {
                    server = s;
                    started.complete();
                })
                .onFailure(started::fail);
    }

    public int port() {
        return server.actualPort();
    }

    /**
     * What a well-behaved function does on SIGTERM: goes on serving until nothing is running or
     * waiting (at most {@code timeout}), so that its pod's requests finish.
     */
    public Future<Void> drain(Duration timeout) {
        Promise<Void> done = Promise.promise();
        context.runOnContext(v -> {
            if (drain == null) {
                drain = Drain.start(vertx, timeout, () -> concurrent == 0 && waiting.isEmpty());
            }
            drain.future().onComplete(done);
        });
        return done.future();
    }

    private void handle(HttpServerRequest request) {
        String quantile = request.getHeader(SERVICE_QUANTILE_HEADER);
        double z = quantile == null ? DRAW : parseQuantile(quantile);
        if (quantile != null && !(Math.abs(z) <= MAX_QUANTILE)) {
            request.response().setStatusCode(400).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
                    .end(SERVICE_QUANTILE_HEADER + " must be a standard normal quantile, a number from -" + (int) MAX_QUANTILE
                            + " to " + (int) MAX_QUANTILE + ", got '" + quantile + "'\n");
            return;
        }
        request.pause();
        if (concurrent >= parallelism) {
            waiting.addLast(() -> serve(request, z));
        } else {
            serve(request, z);
        }
    }

    private static double parseQuantile(String value) {
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private void serve(HttpServerRequest request, double z) {
        concurrent++;
        int atOnce = concurrent;
        request.resume();
        request.body().onComplete(body -> {
            Buffer echo = body.succeeded() && body.result().length() > 0 ? body.result() : null;
            if (cpuMillis > 0) {
                vertx.executeBlocking(() -> {
                    burn(cpuMillis);
                    return null;
                }, false).onComplete(x -> waitThenAnswer(request, z, atOnce, echo));
            } else {
                waitThenAnswer(request, z, atOnce, echo);
            }
        });
    }

    private void waitThenAnswer(HttpServerRequest request, double z, int atOnce, Buffer echo) {
        long delay = Math.round(Double.isNaN(z) ? serviceTime.nextMillis() : serviceTime.atQuantile(z));
        if (delay < 1) {
            answer(request, atOnce, echo);
        } else {
            vertx.setTimer(delay, id -> answer(request, atOnce, echo));
        }
    }

    private void answer(HttpServerRequest request, int atOnce, Buffer echo) {
        concurrent--;
        if (arch != null) {
            request.response().putHeader(ARCH_HEADER, arch.label());
        }
        request.response()
                .putHeader(CONCURRENT_HEADER, Integer.toString(atOnce))
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
                .end(echo != null ? echo : Buffer.buffer(String.format(Locale.ROOT, "hello from %s%n", name)));
        Runnable next = waiting.pollFirst();
        if (next != null) {
            next.run();
        }
        if (drain != null) {
            drain.check();
        }
    }

    /** Busy work for about {@code millis} of this thread's CPU time. */
    static void burn(double millis) {
        long until = System.nanoTime() + Math.round(millis * 1e6);
        long x = 0;
        while (System.nanoTime() < until) {
            x += x * 31 + 7;
        }
        if (x == 42) {
            System.out.print(""); // keeps the loop from being optimised away
        }
    }
}
