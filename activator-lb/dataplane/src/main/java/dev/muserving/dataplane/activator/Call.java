package dev.muserving.dataplane.activator;

import io.vertx.core.Promise;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyResponse;

/** One request's way through a balancer: held, sent to a pod, retried, answered. */
final class Call {

    /** Where a call rides along with its request through vertx-http-proxy. */
    private static final String ATTACHMENT = "mu.call";

    final ProxyContext context;
    final FunctionLane lane;
    final long arrivedNanos = System.nanoTime();
    final Promise<ProxyResponse> result = Promise.promise();
    PodTable.Pod pod;
    HttpClientRequest toPod;
    int attempts;
    long timer = -1;
    /** The request can be sent again: its body is read whole, or it has none. */
    boolean replayable;
    boolean connectFailed;
    boolean bodyTooLarge;
    boolean timedOut;
    boolean finished;

    Call(ProxyContext context, FunctionLane lane) {
        this.context = context;
        this.lane = lane;
        context.set(ATTACHMENT, this);
    }

    /** The request's call, or null for a request answered before it had one (404, 413…). */
    static Call of(ProxyContext context) {
        return context.get(ATTACHMENT, Call.class);
    }
}
