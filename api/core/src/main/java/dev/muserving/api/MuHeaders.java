package dev.muserving.api;

import java.util.List;

/**
 * The Mu header protocol: what a queue-proxy stamps on every response for the balancer. See
 * docs/protocol.md. Clients may never set these; the balancer strips them both ways.
 */
public final class MuHeaders {

    /** Every internal header starts with this prefix (compared case-insensitively, as HTTP does). */
    public static final String PREFIX = "Mu-";
    /** Requests in the pod, running and waiting, when the response left. */
    public static final String QUEUE_LENGTH = "Mu-Queue-Length";
    /** Requests per second the pod completes while busy, smoothed over the recent window. */
    public static final String SERVICE_RATE = "Mu-Service-Rate";
    /** The pod's name: a balancer credits the report only to the pod it sent the request to. */
    public static final String POD = "Mu-Pod";
    /** The pod's architecture label ({@code amd64} or {@code arm64}), checked against the endpoint's the same way. */
    public static final String ARCH = "Mu-Arch";
    /** When the values were measured, in milliseconds since the epoch. */
    public static final String TIMESTAMP = "Mu-Timestamp";

    /**
     * On a queue-proxy's own answer to a request it never passed to the function, so that a balancer
     * may send it to another pod whatever its method: {@value #DRAINING} (the pod is shutting down)
     * or {@value #FUNCTION_UNREACHABLE} (the function refused the connection, or reset it without
     * reading the whole request).
     */
    public static final String NOT_DELIVERED = "Mu-Not-Delivered";
    public static final String DRAINING = "draining";
    public static final String FUNCTION_UNREACHABLE = "function-unreachable";

    /**
     * On a queue-proxy's own answer when the function took the request and its connection failed
     * before an answer: the function may have run it, so a balancer may send it again only if its
     * method is idempotent. The value says what failed: {@value #CONNECTION_LOST}.
     */
    public static final String FUNCTION_FAILED = "Mu-Function-Failed";
    public static final String CONNECTION_LOST = "connection-lost";

    /** The report every response carries. */
    public static final List<String> ALL =
            List.of(QUEUE_LENGTH, SERVICE_RATE, POD, ARCH, TIMESTAMP);

    private MuHeaders() {}

    /** True for any header a client must never set or see, whatever its case. */
    public static boolean isInternal(String headerName) {
        return headerName != null && headerName.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
    }
}
