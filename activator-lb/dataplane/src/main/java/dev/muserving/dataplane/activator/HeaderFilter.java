package dev.muserving.dataplane.activator;

import dev.muserving.api.MuHeaderParser;
import dev.muserving.dataplane.InternalHeaders;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyResponse;
import java.time.Clock;

/**
 * The activator's header handling: no Mu header crosses in either direction; the function is told
 * who called ({@link ForwardedHeaders}); on the way back the pod's report (its queue length and
 * service rate) is kept for routing and offered to the policy.
 */
final class HeaderFilter implements ProxyInterceptor {

    private final Clock clock;

    HeaderFilter(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
        InternalHeaders.strip(context.request().headers());
        HttpServerRequest incoming = context.request().proxiedRequest();
        SocketAddress peer = incoming.remoteAddress();
        ForwardedHeaders.add(context.request().headers(), peer == null ? null : peer.hostAddress(), incoming.scheme(),
                incoming.authority() == null ? null : incoming.authority().toString());
        return context.sendRequest();
    }

    @Override
    public Future<Void> handleProxyResponse(ProxyContext context) {
        ProxyResponse response = context.response();
        Call call = Call.of(context);
        if (call != null && call.pod != null) {
            PodTable.Pod pod = call.pod;
            pod.report = pod.report.updatedWith(MuHeaderParser.parse(response.headers()::get), clock.millis());
            if (pod.index >= 0) {
                call.lane.policy.onResponse(call.lane.pods, pod.index, (System.nanoTime() - call.arrivedNanos) / 1e6,
                        clock.instant());
            }
        }
        InternalHeaders.strip(response.headers());
        return context.sendResponse();
    }
}
