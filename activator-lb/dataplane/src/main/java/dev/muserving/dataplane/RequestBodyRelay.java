package dev.muserving.dataplane;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.streams.Pipe;
import io.vertx.core.streams.ReadStream;

/** Streams a request's body on to a backend, as the activator-lb and the queue-proxy both do. */
public final class RequestBodyRelay {

    private RequestBodyRelay() {}

    /**
     * Sends {@code body} as it arrives, chunked unless the request carries a Content-Length. A body cut
     * short resets the backend's stream, so that the function never takes it for a whole one.
     *
     * @return the backend's response, or the failure
     */
    public static Future<HttpClientResponse> stream(ReadStream<Buffer> body, HttpClientRequest toBackend) {
        if (!toBackend.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
            toBackend.setChunked(true);
        }
        Pipe<Buffer> pipe = body.pipe();
        pipe.endOnFailure(false);
        pipe.to(toBackend).onFailure(e -> toBackend.reset(0, e));
        return toBackend.response();
    }
}
