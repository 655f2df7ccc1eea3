package dev.muserving.dataplane.testing;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A test client: real HTTP over loopback, results as futures the test thread may wait on. */
public final class Http {

    public record Response(int status, MultiMap headers, String body) {
        public String header(String name) {
            return headers.get(name);
        }
    }

    private final HttpClient client;

    public Http(Vertx vertx) {
        this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(200));
    }

    public CompletableFuture<Response> get(int port, String path, Map<String, String> headers) {
        return send(HttpMethod.GET, port, path, headers, null);
    }

    public CompletableFuture<Response> send(HttpMethod method, int port, String path, Map<String, String> headers, Buffer body) {
        RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(path);
        headers.forEach(options::addHeader);
        Future<Response> response = client.request(options)
                .compose(request -> body == null ? request.send() : request.send(body))
                .compose(r -> r.body().map(b -> new Response(r.statusCode(), MultiMap.caseInsensitiveMultiMap().addAll(r.headers()), b.toString())));
        return response.toCompletionStage().toCompletableFuture();
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
