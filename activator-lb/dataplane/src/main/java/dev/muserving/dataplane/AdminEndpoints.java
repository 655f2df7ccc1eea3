package dev.muserving.dataplane;

import dev.muserving.api.QueueProxyContract;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** A data-plane process's admin port: {@code /metrics} (Prometheus text) and {@code /ready}. */
public final class AdminEndpoints {

    /** Readiness for a process that is ready once it listens. */
    public static final Handler<HttpServerRequest> ALWAYS_READY = request -> request.response().end("ready\n");

    private AdminEndpoints() {}

    public static Handler<HttpServerRequest> handler(String component, Supplier<String> metrics, Handler<HttpServerRequest> ready) {
        return request -> {
            switch (request.path()) {
                case QueueProxyContract.METRICS_PATH -> request.response()
                        .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
                        .end(metrics.get());
                case QueueProxyContract.READY_PATH -> ready.handle(request);
                default -> request.response().setStatusCode(404).end(component + " admin: /ready or /metrics\n");
            }
        };
    }

    public static Future<HttpServer> serve(Vertx vertx, String host, int port, String component, Supplier<String> metrics) {
        return serve(vertx, host, port, component, metrics, () -> true);
    }

    /** @param ready whether {@code /ready} says 200 (else 503: the process is on its way out) */
    public static Future<HttpServer> serve(Vertx vertx, String host, int port, String component, Supplier<String> metrics,
            BooleanSupplier ready) {
        return vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port))
                .requestHandler(handler(component, metrics, request -> {
                    if (ready.getAsBoolean()) {
                        request.response().end("ready\n");
                    } else {
                        request.response().setStatusCode(503).end(component + ": draining\n");
                    }
                }))
                .listen();
    }
}
