package dev.muserving.dataplane.activator;

import io.vertx.core.Promise;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyResponse;

/** One request's way through a balancer: held, sent to a pod, retried, answered. */
final class Call {

    final ProxyContext context;
    final FunctionLane lane;
    final long arrivedNanos = System.nanoTime();
    final Promise<ProxyResponse> result = Promise.promise();
    PodTable.Pod pod;
    HttpClientRequest toPod;
    int attempts;
    long timer = -1;
    boolean connectFailed;
    boolean bodyTooLarge;
    boolean timedOut;
    boolean finished;

    Call(ProxyContext context, FunctionLane lane) {
        this.context = context;
        this.lane = lane;
    }
}
