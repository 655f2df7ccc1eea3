package dev.muserving.dataplane;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.ProxyRequest;
import io.vertx.httpproxy.ProxyResponse;

/** The data plane's own answers (404, 413, 503, 504…): plain text that says what happened. */
public final class ProxyReplies {

    private ProxyReplies() {}

    /** An answer to the request that never reaches a backend; the request's body is discarded. */
    public static ProxyResponse text(ProxyRequest request, int status, String message) {
        ProxyResponse response = request.release().response().setStatusCode(status);
        response.putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8");
        return response.setBody(Body.body(Buffer.buffer(message)));
    }
}
