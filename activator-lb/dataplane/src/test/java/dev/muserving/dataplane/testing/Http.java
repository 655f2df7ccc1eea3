package dev.muserving.dataplane.testing;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A test client: real HTTP over loopback, results as futures the test thread may wait on.
 *
 * <p>Every exchange runs on one Vert.x context: a response's {@code body()} asked for from the test
 * thread can miss an end that the event loop already handled, and then never completes (Vert.x
 * issue 6038, fixed after the 4.5 release Quarkus brings).
 */
public final class Http {

    public record Response(int status, MultiMap headers, String body) {
        public String header(String name) {
            return headers.get(name);
        }
    }

    private final Context context;
    private final HttpClient client;

    public Http(Vertx vertx) {
        this.context = vertx.getOrCreateContext();
        this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(200));
    }

    public CompletableFuture<Response> get(int port, String path, Map<String, String> headers) {
        return send(HttpMethod.GET, port, path, headers, null);
    }

    public CompletableFuture<Response> send(HttpMethod method, int port, String path, Map<String, String> headers, Buffer body) {
        return exchange(method, port, path, headers, request -> body == null ? request.send() : request.send(body));
    }

    /** A request written by {@code write} (e.g. chunked), which returns the response. */
    public CompletableFuture<Response> exchange(HttpMethod method, int port, String path, Map<String, String> headers,
            Function<HttpClientRequest, Future<HttpClientResponse>> write) {
        RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(path);
        headers.forEach(options::addHeader);
        Promise<Response> response = Promise.promise();
        context.runOnContext(v -> client.request(options)
                .compose(write)
                .compose(r -> r.body().map(b -> new Response(r.statusCode(), MultiMap.caseInsensitiveMultiMap().addAll(r.headers()), b.toString())))
                .onComplete(response));
        return response.future().toCompletionStage().toCompletableFuture();
    }

    public static Response await(CompletableFuture<Response> response) {
        try {
            return response.get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("request failed: " + e, e);
        }
    }

    public static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("failed: " + e, e);
        }
    }
}
