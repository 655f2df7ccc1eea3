package dev.muserving.dataplane;

import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerOptions;

/**
 * How large a message head the data plane takes. Netty's defaults (a 4 KiB request line, 8 KiB of
 * header fields) refuse the large cookies and tokens that nginx (4 x 8 KiB buffers) and Knative's
 * Envoy gateway (60 KiB) pass. The queue-proxy takes a little more than the activator-lb, which adds
 * {@code Forwarded} and {@code X-Forwarded-*} to what it accepted; both take function answers of the
 * same size, so that a function's large response header is not turned into a 502 on the way.
 */
public final class HeadLimits {

    /** The request line (method, target, version): nginx's buffer for one line. */
    public static final int REQUEST_LINE_BYTES = 8 * 1024;
    /** All header fields of a request or a response. */
    public static final int HEADER_BYTES = 32 * 1024;
    /** What the activator-lb may add to a request before the queue-proxy reads it. */
    static final int FORWARDING_MARGIN_BYTES = 4 * 1024;

    private HeadLimits() {}

    /** For the server that clients call: the activator-lb. */
    public static HttpServerOptions ingress(HttpServerOptions options) {
        return options.setMaxInitialLineLength(REQUEST_LINE_BYTES).setMaxHeaderSize(HEADER_BYTES);
    }

    /** For the server behind the activator-lb: the queue-proxy. */
    public static HttpServerOptions behindIngress(HttpServerOptions options) {
        return options.setMaxInitialLineLength(REQUEST_LINE_BYTES).setMaxHeaderSize(HEADER_BYTES + FORWARDING_MARGIN_BYTES);
    }

    /** For a client that reads a function's answers. */
    public static HttpClientOptions answers(HttpClientOptions options) {
        return options.setMaxHeaderSize(HEADER_BYTES + FORWARDING_MARGIN_BYTES);
    }
}
