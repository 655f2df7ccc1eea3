package dev.muserving.dataplane;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whether an HTTP/1 request's body is framed so that a proxy can pass it on as the client meant it
 * (RFC 9112 §6). The HTTP codec decodes any {@code Transfer-Encoding} that mentions chunked, but a
 * proxy that forwards only plain chunked bodies would send the others on without their body (a POST
 * run with nothing in it), and a request framed by both {@code Content-Length} and
 * {@code Transfer-Encoding} is how requests are smuggled past a front proxy that reads the other
 * one. Such requests are refused, and their connection closed, as Envoy (Knative's gateway) does.
 * One case never gets here: with {@code Transfer-Encoding: chunked} the codec drops the
 * {@code Content-Length} itself and frames by the chunks (RFC 9112 §6.3), leaving no trace of it.
 */
public final class RequestFraming {

    /** Why a request is refused, and with which status. */
    public record Refusal(int status, String reason) {}

    private RequestFraming() {}

    /** Null when the request may be passed on as it is. */
    public static Refusal refusal(HttpServerRequest request) {
        if (request.method() == HttpMethod.CONNECT) {
            // passed on, the function's codec failed on it and the pod was blamed (an outside probe)
            return new Refusal(501, "CONNECT is not supported: this is a reverse proxy for functions, not a tunnel");
        }
        String upgrade = request.getHeader(HttpHeaders.UPGRADE);
        if (upgrade != null && request.version() == HttpVersion.HTTP_1_1 && !upgrade.trim().equalsIgnoreCase("h2c")
                && connectionOptions(request).contains("upgrade")) {
            // the hop-by-hop headers are not passed on, so the function answered a plain request and the
            // client took a 200 for its WebSocket; h2c is left to the client's fallback, as RFC 9113 allows
            return new Refusal(501, "protocol upgrades are not supported (Upgrade: " + upgrade + "): WebSockets do not pass through Mu");
        }
        if (request.version() == HttpVersion.HTTP_2 || request.getHeader(HttpHeaders.TRANSFER_ENCODING) == null) {
            return null; // frames, not headers, delimit an HTTP/2 body; most requests have no coding to look at
        }
        List<String> codings = codings(request.headers().getAll(HttpHeaders.TRANSFER_ENCODING));
        if (codings.isEmpty()) {
            return null;
        }
        if (request.version() == HttpVersion.HTTP_1_0) {
            return new Refusal(400, "an HTTP/1.0 request cannot have a Transfer-Encoding");
        }
        if (request.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
            return new Refusal(400, "a request may not have both Content-Length and Transfer-Encoding");
        }
        if (!codings.get(codings.size() - 1).equals("chunked")) {
            return new Refusal(400, "chunked must be the last transfer coding, got Transfer-Encoding: " + String.join(", ", codings));
        }
        if (codings.stream().filter("chunked"::equals).count() > 1) {
            return new Refusal(400, "chunked may be applied once (RFC 9112 §6.1), got Transfer-Encoding: " + String.join(", ", codings));
        }
        if (codings.size() > 1) {
            return new Refusal(501, "only the chunked transfer coding is supported, got Transfer-Encoding: " + String.join(", ", codings)
                    + " (use Content-Encoding for compression)");
        }
        return null;
    }

    /**
     * Whether the client waits for {@code 100 Continue} before it sends its body. An HTTP/1.0 client
     * does not know the status, and RFC 9110 §10.1.1 has the expectation ignored there.
     */
    public static boolean awaitsContinue(HttpServerRequest request) {
        return request.version() == HttpVersion.HTTP_1_1 && request.headers().contains(HttpHeaders.EXPECT, HttpHeaders.CONTINUE, true);
    }

    private static List<String> connectionOptions(HttpServerRequest request) {
        return codings(request.headers().getAll(HttpHeaders.CONNECTION));
    }

    /** The elements of every field of a comma-separated list, in order, lower-cased; empty elements dropped. */
    private static List<String> codings(List<String> fields) {
        List<String> codings = new ArrayList<>();
        for (String field : fields) {
            for (String coding : field.split(",")) {
                String trimmed = coding.trim().toLowerCase(Locale.ROOT);
                if (!trimmed.isEmpty()) {
                    codings.add(trimmed);
                }
            }
        }
        return codings;
    }
}
