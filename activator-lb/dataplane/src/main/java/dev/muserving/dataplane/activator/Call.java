package dev.muserving.dataplane.activator;

import dev.muserving.dataplane.Deadlines;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;

/** One request's way through a balancer: held, sent to a pod, retried, answered. */
final class Call {

    final HttpServerRequest request;
    final FunctionLane lane;
    /** The URI the pod gets: the function's path without the {@code /fn/<ns>/<fn>} prefix. */
    final String uri;
    /** The host the function is told it was called at (Host and {@code Forwarded}'s host). */
    final HostAndPort authority;
    final long arrivedNanos = System.nanoTime();
    /** By the balancer's clock, which decides which held request goes first. */
    final long arrivedMillis;
    /** The body read whole (replayable), or null. */
    Buffer body;
    /** The body as it arrives, sent once; null when there is none or it was read whole. */
    LimitedBody stream;
    /** The body the activator reads, whole or as a stream, watched for a client that stops sending; null when there is none. */
    LimitedBody incoming;
    PodTable.Pod pod;
    HttpClientRequest toPod;
    int attempts;
    /** Functions that took this request and died with it. */
    int functionDeaths;
    /** Set when the call is accepted. */
    Deadlines.Deadline deadline;
    /** The request can be sent again: its body is read whole, or it has none. */
    boolean replayable;
    boolean bodyTooLarge;
    boolean timedOut;
    boolean finished;

    Call(HttpServerRequest request, FunctionLane lane, String uri, HostAndPort authority, long arrivedMillis) {
        this.request = request;
        this.lane = lane;
        this.uri = uri;
        this.authority = authority;
        this.arrivedMillis = arrivedMillis;
    }
}
