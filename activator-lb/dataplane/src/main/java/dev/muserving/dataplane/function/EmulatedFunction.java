package dev.muserving.dataplane.function;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.Locale;

/**
 * A small HTTP function for benchmarks, tests and the examples: each request waits a fixed service
 * time (I/O-like, no CPU) or burns CPU for a while (slower on a slower machine, as real work is),
 * then answers. {@code POST} bodies are echoed back. Every response says how many requests the
 * function was serving at once ({@code X-Concurrent}), so tests can check a concurrency limit from
 * the function's side.
 *
 * @param serviceMillis time each request waits before its answer
 * @param cpuMillis CPU time each request burns (on a worker thread), before the wait
 */
public final class EmulatedFunction extends AbstractVerticle {

    public static final String CONCURRENT_HEADER = "X-Concurrent";

    private final String name;
    private final int port;
    private final double serviceMillis;
    private final double cpuMillis;
    private HttpServer server;
    private int concurrent;

    public EmulatedFunction(String name, int port, double serviceMillis, double cpuMillis) {
        if (serviceMillis < 0 || cpuMillis < 0) {
            throw new IllegalArgumentException("service and CPU times must not be negative");
        }
        this.name = name;
        this.port = port;
        this.serviceMillis = serviceMillis;
        this.cpuMillis = cpuMillis;
    }

    @Override
    public void start(Promise<Void> started) {
        vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port))
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

    private void handle(HttpServerRequest request) {
        concurrent++;
        int atOnce = concurrent;
        request.body().onComplete(body -> {
            Buffer echo = body.succeeded() && body.result().length() > 0 ? body.result() : null;
            if (cpuMillis > 0) {
                vertx.executeBlocking(() -> {
                    burn(cpuMillis);
                    return null;
                }, false).onComplete(x -> waitThenAnswer(request, atOnce, echo));
            } else {
                waitThenAnswer(request, atOnce, echo);
            }
        });
    }

    private void waitThenAnswer(HttpServerRequest request, int atOnce, Buffer echo) {
        long delay = Math.round(serviceMillis);
        if (delay < 1) {
            answer(request, atOnce, echo);
        } else {
            vertx.setTimer(delay, id -> answer(request, atOnce, echo));
        }
    }

    private void answer(HttpServerRequest request, int atOnce, Buffer echo) {
        concurrent--;
        request.response()
                .putHeader(CONCURRENT_HEADER, Integer.toString(atOnce))
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
                .end(echo != null ? echo : Buffer.buffer(String.format(Locale.ROOT, "hello from %s%n", name)));
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
