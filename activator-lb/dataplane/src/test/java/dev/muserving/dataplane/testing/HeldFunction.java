package dev.muserving.dataplane.testing;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A user container for tests whose requests wait until the test releases them, so that what is
 * running and what is waiting is known exactly. Records the headers each request brought.
 */
public final class HeldFunction extends AbstractVerticle {

    private final ArrayDeque<HttpServerRequest> held = new ArrayDeque<>();
    private final AtomicInteger heldCount = new AtomicInteger();
    private final AtomicInteger maxHeld = new AtomicInteger();
    private final AtomicInteger served = new AtomicInteger();
    private final List<MultiMap> requestHeaders = new CopyOnWriteArrayList<>();
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final MultiMap extraResponseHeaders = MultiMap.caseInsensitiveMultiMap();
    private HttpServer server;

    /** Headers every response carries, e.g. a spoofed Mu header. */
    public HeldFunction respondWith(String name, String value) {
        extraResponseHeaders.add(name, value);
        return this;
    }

    @Override
    public void start(Promise<Void> started) {
        // a function that takes heads as large as any proxy in front of it passes
        vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0).setMaxHeaderSize(64 * 1024))
                .requestHandler(request -> {
                    requestHeaders.add(MultiMap.caseInsensitiveMultiMap().addAll(request.headers()));
                    request.body().onSuccess(body -> bodies.add(body.toString()));
                    held.addLast(request);
                    maxHeld.accumulateAndGet(heldCount.incrementAndGet(), Math::max);
                })
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

    /** Answers the oldest held requests. */
    public void release(int count) {
        context.runOnContext(v -> {
            for (int i = 0; i < count && !held.isEmpty(); i++) {
                HttpServerRequest request = held.pollFirst();
                heldCount.decrementAndGet();
                served.incrementAndGet();
                request.response().headers().addAll(extraResponseHeaders);
                request.response().end("released " + request.path() + "\n");
            }
        });
    }

    public int held() {
        return heldCount.get();
    }

    public int maxHeld() {
        return maxHeld.get();
    }

    public int served() {
        return served.get();
    }

    public List<MultiMap> requestHeaders() {
        return requestHeaders;
    }

    /** The request bodies, as each was read whole, in the order they ended. */
    public List<String> bodies() {
        return bodies;
    }
}
