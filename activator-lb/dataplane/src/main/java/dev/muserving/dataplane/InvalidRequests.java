package dev.muserving.dataplane;

import io.netty.handler.codec.TooLongFrameException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * The answer to a request head the HTTP codec could not read, with a line that says what was wrong,
 * and the connection closed. Vert.x's own handler answers 414 and 431 with no body and anything
 * else (a space before a colon, an unreadable Content-Length, bare LF line ends) with an empty 400,
 * or closes without a word: an outside probe could not tell why its requests were refused.
 */
public final class InvalidRequests {

    private InvalidRequests() {}

    /** For the activator-lb, which clients call. */
    public static void answerAtTheIngress(HttpServerRequest request) {
        answer(request, HeadLimits.HEADER_BYTES);
    }

    /** For the queue-proxy, which takes what the activator-lb adds on top. */
    public static void answerBehindTheIngress(HttpServerRequest request) {
        answer(request, HeadLimits.HEADER_BYTES + HeadLimits.FORWARDING_MARGIN_BYTES);
    }

    private static void answer(HttpServerRequest request, int headerBytes) {
        Throwable cause = request.decoderResult().cause();
        String message = cause == null || cause.getMessage() == null ? "" : cause.getMessage();
        int status;
        String why;
        if (cause instanceof TooLongFrameException && message.startsWith("An HTTP line is larger than")) {
            status = 414;
            why = "the request line is longer than " + HeadLimits.REQUEST_LINE_BYTES + " bytes";
        } else if (cause instanceof TooLongFrameException && message.startsWith("HTTP header is larger than")) {
            status = 431;
            why = "the request's header fields are larger than the limit (" + headerBytes + " bytes in all)";
        } else {
            status = 400;
            why = "the request head is not valid HTTP/1.1" + (message.isEmpty() ? "" : " (" + firstLine(message) + ")");
        }
        request.response().setStatusCode(status).putHeader(HttpHeaders.CONNECTION, "close")
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8").end("mu: " + why + "\n");
    }

    /** The codec's own words, one line and short: they name the problem, not the bytes sent. */
    private static String firstLine(String message) {
        String line = message.lines().findFirst().orElse("");
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }
}
