package dev.muserving.dataplane;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.streams.Pipe;
import java.util.function.Consumer;

/**
 * Passes a backend's answer on to the client, as the activator-lb and the queue-proxy both do: the
 * status, the end-to-end headers ({@link HeaderCopy}), then the body as it arrives. A body cut short
 * resets the client's stream rather than ending it, so that it never looks whole.
 */
public final class ResponseRelay {

    private ResponseRelay() {}

    /**
     * @param stamp adds the proxy's own headers once the backend's are copied
     * @return completes (with the status) when the answer is out or has failed
     */
    public static Future<Integer> relay(HttpClientResponse response, HttpServerRequest request, Consumer<MultiMap> stamp) {
        response.pause();
        HttpServerResponse out = request.response();
        int status = response.statusCode();
        out.setStatusCode(status);
        if (response.statusMessage() != null) {
            out.setStatusMessage(response.statusMessage());
        }
        HeaderCopy.response(response.headers(), out.headers());
        stamp.accept(out.headers());
        if (!out.headers().contains(HttpHeaders.CONTENT_LENGTH) && hasBody(request.method(), status)) {
            if (request.version() == HttpVersion.HTTP_1_0) {
                // an HTTP/1.0 client cannot read chunks: the body is sent whole
                return response.body().compose(out::end).transform(sent -> Future.succeededFuture(status));
            }
            out.setChunked(true);
        }
        Pipe<Buffer> pipe = response.pipe();
        pipe.endOnFailure(false);
        return pipe.to(out).transform(sent -> {
            if (sent.failed()) {
                // the rest of the answer will not be read: the backend's connection is not kept for it
                response.request().reset();
                // Not from inside the failed write's notice: when the client has left, Netty fails the
                // pending writes while it closes the connection, before Vert.x knows; a reset there
                // writes to the closing channel, and Vert.x 4.5 then releases a buffer twice (a logged
                // IllegalReferenceCountException). On the next turn of the event loop the close is known.
                Vertx.currentContext().runOnContext(v -> {
                    if (!out.ended() && !out.closed()) {
                        out.reset();
                    }
                });
            }
            return Future.succeededFuture(status);
        });
    }

    private static boolean hasBody(HttpMethod method, int status) {
        return method != HttpMethod.HEAD && status >= 200 && status != 204 && status != 304;
    }
}
