package dev.muserving.dataplane.activator;

import dev.muserving.api.FunctionKey;
import dev.muserving.api.MuHeaders;
import dev.muserving.dataplane.Drain;
import dev.muserving.dataplane.ProxyReplies;
import dev.muserving.routing.policy.BalancerPosition;
import dev.muserving.routing.policy.RoutingPolicies;
import dev.muserving.routing.policy.RoutingPolicy;
import dev.muserving.routing.policy.RoutingPolicyFactory;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyRequest;
import io.vertx.httpproxy.ProxyResponse;
import java.time.Clock;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeoutException;

/**
 * One balancer: an event loop with its own HTTP server socket, connection pools to the pods, and its
 * own view of every function's pods (in-flight counts and the Mu headers of the responses that pass
 * through it). Several balancers share the port as several activator replicas share a Service;
 * Mu's routing is built for such partial, stale views. All state lives on this verticle's event loop.
 *
 * <p>Requests go through vertx-http-proxy with two interceptors: {@link HeaderFilter} (Mu headers
 * never cross in either direction; the pod's report is kept for routing) and {@link Dispatcher}
 * (which function, limits, holding while no pod can take the request, retries, timeouts), whose
 * chosen pod the origin provider connects to.
 */
final class Balancer extends AbstractVerticle {

    private static final long DEMAND_INTERVAL_NANOS = 500_000_000L;
    /** RFC 9110's idempotent methods: sent again after a failure once sent, as nginx does. */
    private static final Set<HttpMethod> IDEMPOTENT =
            Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS, HttpMethod.TRACE, HttpMethod.PUT, HttpMethod.DELETE);
    /** Why a request is sent again (besides {@link MuHeaders#NOT_DELIVERED}'s reasons), for {@code mu_retries_total}. */
    static final String RETRY_CONNECT_FAILED = "connect-failed";
    static final String RETRY_IDEMPOTENT = "idempotent";

    private final ActivatorConfig config;
    private final BalancerPosition position;
    private final RoutingPolicyFactory routing;
    private final Clock clock;
    private final ActivatorMetrics metrics;
    private final DemandSignal demand;
    private final int port;
    private final Map<FunctionKey, FunctionLane> lanes = new HashMap<>();
    private final SplittableRandom random;
    private HttpServer server;
    private HttpClient client;
    private Drain drain;

    Balancer(ActivatorConfig config, BalancerPosition position, RoutingPolicyFactory routing, Clock clock,
            ActivatorMetrics metrics, DemandSignal demand, int port) {
        this.config = config;
        this.position = position;
        this.routing = routing;
        this.clock = clock;
        this.metrics = metrics;
        this.demand = demand;
        this.port = port;
        this.random = new SplittableRandom(config.seed() * 1_000_003L + position.index());
    }

    @Override
    public void start(Promise<Void> started) {
        client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(2_000),
                new PoolOptions().setHttp1MaxSize(500));
        HttpProxy proxy = HttpProxy.reverseProxy(client)
                .origin(this::connect)
                .addInterceptor(new HeaderFilter(clock))
                .addInterceptor(new Dispatcher());
        vertx.setPeriodic(config.recheckInterval().toMillis(), id -> recheck());
        vertx.createHttpServer(new HttpServerOptions().setHost(config.bindAddress()).setPort(port))
                .requestHandler(proxy)
                .listen()
                .onSuccess(s -> {
                    server = s;
                    started.complete();
                })
                .onFailure(started::fail);
    }

    int port() {
        return server.actualPort();
    }

    /** Takes the endpoint source's current state; runs on this balancer's event loop. */
    Future<Void> update(List<FunctionRoute> routes) {
        Promise<Void> done = Promise.promise();
        context.runOnContext(v -> {
            Map<FunctionKey, FunctionRoute> byKey = new HashMap<>();
            routes.forEach(r -> byKey.put(r.key(), r));
            for (FunctionRoute route : routes) {
                FunctionLane lane = lanes.get(route.key());
                if (lane == null) {
                    lane = new FunctionLane(route, policyFor(route));
                    lanes.put(route.key(), lane);
                } else if (!lane.route.spec().equals(route.spec()) || !lane.route.routing().equals(route.routing())) {
                    lane.policy = policyFor(route); // new settings take effect with the next request
                }
                lane.route = route;
                lane.removed = false; // a function may come back after it was removed
                lane.pods.update(route.endpoints());
                dispatchHeld(lane);
            }
            for (Iterator<FunctionLane> it = lanes.values().iterator(); it.hasNext(); ) {
                FunctionLane lane = it.next();
                if (!byKey.containsKey(lane.key)) {
                    lane.removed = true;
                    while (!lane.held.isEmpty()) {
                        Call call = lane.held.pollFirst();
                        answer(call, 503, "mu: function " + lane.key + " was removed while this request waited for a pod\n");
                    }
                    lane.pods.update(List.of());
                    if (lane.idle()) {
                        it.remove();
                    }
                }
            }
            done.complete();
        });
        return done.future();
    }

    /** The function's own routing policy when it names one this activator has, else the activator's. */
    private RoutingPolicy policyFor(FunctionRoute route) {
        RoutingPolicyFactory factory = route.routing().flatMap(RoutingPolicies::byName).orElse(routing);
        return factory.create(route.spec(), position, random.split());
    }

    /** The lanes' counts since the last call, taken on this event loop. */
    Future<Map<FunctionKey, FunctionLane.Stats>> takeStats() {
        Promise<Map<FunctionKey, FunctionLane.Stats>> done = Promise.promise();
        context.runOnContext(v -> {
            long now = System.nanoTime();
            Map<FunctionKey, FunctionLane.Stats> stats = new HashMap<>();
            lanes.forEach((key, lane) -> {
                if (!lane.removed) {
                    stats.put(key, lane.takeStats(now));
                }
            });
            done.complete(stats);
        });
        return done.future();
    }

    /** New requests get 503; those in flight or held finish (or time out); then the socket closes. */
    Future<Void> drain() {
        Promise<Void> done = Promise.promise();
        context.runOnContext(v -> {
            if (drain == null) {
                drain = Drain.start(vertx, config.drainTimeout(), () -> lanes.values().stream().allMatch(FunctionLane::idle));
            }
            drain.future().compose(x -> server.close()).onComplete(x -> done.complete());
        });
        return done.future();
    }

    private void checkDrained() {
        if (drain != null) {
            drain.check();
        }
    }

    /** Offers held requests to the pods again and lets cooled-down pods back in. */
    private void recheck() {
        long now = System.nanoTime();
        for (FunctionLane lane : lanes.values()) {
            lane.pods.resumeExpired(now);
            dispatchHeld(lane);
        }
    }

    private Future<HttpClientRequest> connect(ProxyContext context) {
        Call call = Call.of(context);
        call.connectFailed = false;
        return client.request(new RequestOptions().setServer(call.pod.address))
                .onFailure(e -> call.connectFailed = true)
                .map(request -> {
                    call.toPod = request;
                    return request;
                });
    }

    private final class Dispatcher implements ProxyInterceptor {

        @Override
        public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
            ProxyRequest request = context.request();
            HttpServerRequest incoming = request.proxiedRequest();
            if (drain != null) {
                return Future.succeededFuture(ProxyReplies.text(request, 503, "mu: this activator is shutting down; retry\n")
                        .putHeader(HttpHeaders.CONNECTION, "close"));
            }
            RequestAddress address = RequestAddress.of(incoming.getHeader(HttpHeaders.HOST), request.getURI(), config.domain());
            if (address == null) {
                return Future.succeededFuture(ProxyReplies.text(request, 404, "mu: this request names no function; call /fn/<namespace>/<function>/... "
                        + "or send Host: <function>.<namespace>." + config.domain() + "\n"));
            }
            FunctionLane lane = lanes.get(address.function());
            if (lane == null || lane.removed) {
                return Future.succeededFuture(ProxyReplies.text(request, 404, "mu: no function " + address.function() + "\n"));
            }
            long declared = request.getBody() == null ? 0 : request.getBody().length();
            if (declared > config.maxBodyBytes()) {
                return Future.succeededFuture(ProxyReplies.text(request, 413, String.format(Locale.ROOT,
                        "mu: the request body (%d bytes) is over the limit of %d bytes%n", declared, config.maxBodyBytes()))
                        .putHeader(HttpHeaders.CONNECTION, "close"));
            }
            Call call = new Call(context, lane);
            boolean chunked = incoming.headers().contains(HttpHeaders.TRANSFER_ENCODING, HttpHeaders.CHUNKED, true);
            Future<Void> bodyRead = Future.succeededFuture();
            if (chunked) {
                request.setBody(Body.body(new LimitedBody(request.getBody().stream(), config.maxBodyBytes(),
                        () -> call.bodyTooLarge = true), -1));
            } else if (declared == 0 || (declared < 0 && incoming.version() != HttpVersion.HTTP_2)) {
                request.setBody(null); // HTTP/1 framing: without Content-Length or chunking there is no body
                incoming.resume(); // lets its end be read, or the connection would wait for it
                call.replayable = true;
            } else if (declared <= config.retryBufferBytes()) {
                bodyRead = readWhole(request, call);
            }
            request.setURI(address.uri());
            if (incoming.authority() != null) {
                request.setAuthority(incoming.authority()); // the function sees the Host its caller used
            }
            lane.arrived(call.arrivedNanos);
            call.timer = vertx.setTimer(lane.route.timeout().toMillis(), id -> timedOut(call));
            incoming.response().closeHandler(v -> {
                if (lane.held.remove(call)) {
                    call.result.tryFail("the client closed the connection while the request waited for a pod");
                    finish(call, 499);
                }
            });
            bodyRead.onComplete(read -> {
                if (read.failed()) {
                    call.result.tryFail(read.cause()); // the client went away while sending the body
                    finish(call, 499);
                } else if (call.timedOut) {
                    answer(call, 408, String.format(Locale.ROOT, "mu: the request body did not arrive within %s%n", seconds(call)));
                } else if (!lane.held.isEmpty() || !tryDispatch(call)) {
                    hold(call);
                }
            });
            return call.result.future();
        }

        /** Reads a body small enough to keep, so that the request can be sent again. */
        private Future<Void> readWhole(ProxyRequest request, Call call) {
            HttpServerRequest incoming = request.proxiedRequest();
            Future<Void> read = incoming.body().map(body -> {
                request.setBody(Body.body(body));
                call.replayable = true;
                return null;
            });
            incoming.resume();
            return read;
        }

        @Override
        public Future<Void> handleProxyResponse(ProxyContext context) {
            Call call = Call.of(context);
            if (call != null) {
                vertx.cancelTimer(call.timer); // the timeout covers the wait until the response headers
            }
            int status = context.response().getStatusCode();
            return context.sendResponse().onComplete(sent -> {
                if (call != null) {
                    finish(call, status);
                }
            });
        }
    }

    private boolean tryDispatch(Call call) {
        FunctionLane lane = call.lane;
        int choice = lane.pods.size() == 0 ? RoutingPolicy.HOLD : lane.choose(clock.instant());
        if (choice == RoutingPolicy.HOLD) {
            return false;
        }
        send(call, lane.pods.get(choice));
        return true;
    }

    private void hold(Call call) {
        FunctionLane lane = call.lane;
        if (lane.held.size() >= config.holdLimit()) {
            answer(call, 503, String.format(Locale.ROOT,
                    "mu: %s already has %d requests waiting for a pod; retry later%n", lane.key, lane.held.size()),
                    HttpHeaders.RETRY_AFTER, "1");
            return;
        }
        lane.held.addLast(call);
        long now = System.nanoTime();
        if (lane.pods.size() == 0 && now - lane.lastDemandNanos > DEMAND_INTERVAL_NANOS) {
            lane.lastDemandNanos = now;
            demand.demand(lane.key);
        }
    }

    private void dispatchHeld(FunctionLane lane) {
        while (!lane.held.isEmpty() && lane.pods.size() > 0) {
            int choice = lane.choose(clock.instant());
            if (choice == RoutingPolicy.HOLD) {
                return;
            }
            send(lane.held.pollFirst(), lane.pods.get(choice));
        }
    }

    private void send(Call call, PodTable.Pod pod) {
        call.pod = pod;
        call.attempts++;
        pod.inFlight++;
        call.context.sendRequest().onComplete(sent -> {
            if (sent.succeeded()) {
                String notDelivered = sent.result().headers().get(MuHeaders.NOT_DELIVERED);
                if (notDelivered != null && call.replayable && !call.timedOut) {
                    sent.result().release(); // the pod never passed it on: any pod may take it, whatever its method
                    pod.inFlight--;
                    call.pod = null;
                    if (MuHeaders.DRAINING.equals(notDelivered)) {
                        call.lane.pods.leaving(pod);
                    } else {
                        coolDown(call, pod);
                    }
                    sendAgain(call, notDelivered);
                    return;
                }
                call.result.complete(sent.result());
                return;
            }
            pod.inFlight--;
            call.pod = null;
            if (call.connectFailed && !call.timedOut) {
                // Nothing was sent: another pod may take it.
                coolDown(call, pod);
                if (call.attempts < config.maxAttempts()) {
                    sendAgain(call, RETRY_CONNECT_FAILED);
                    return;
                }
                answer(call, 502, String.format(Locale.ROOT, "mu: no pod of %s accepted a connection (%d tried)%n",
                        call.lane.key, call.attempts));
            } else if (call.timedOut) {
                answer(call, 504, String.format(Locale.ROOT, "mu: %s did not answer within %s%n", call.lane.key, seconds(call)));
            } else if (call.replayable && IDEMPOTENT.contains(call.context.request().getMethod())
                    && call.attempts < config.maxAttempts()) {
                // Sent, but no answer came: the pod may have run it, which an idempotent request allows.
                // Like nginx's max_fails, the pod sits out a cool-down: it may be dying.
                coolDown(call, pod);
                sendAgain(call, RETRY_IDEMPOTENT);
            } else if (call.bodyTooLarge) {
                answer(call, 413, String.format(Locale.ROOT, "mu: the request body is over the limit of %d bytes%n",
                        config.maxBodyBytes()), HttpHeaders.CONNECTION, "close");
            } else {
                answer(call, 502, String.format(Locale.ROOT, "mu: pod %s of %s failed before answering: %s%n",
                        pod.endpoint.pod(), call.lane.key, sent.cause().getMessage()));
            }
        });
    }

    /** Keeps a pod that failed a request out of the call's function's routing for the cool-down. */
    private void coolDown(Call call, PodTable.Pod pod) {
        call.lane.pods.suspend(pod, System.nanoTime() + config.unreachableCooldown().toNanos());
    }

    /** Sends the call to the pod the policy chooses now, or holds it until one can take it. */
    private void sendAgain(Call call, String reason) {
        metrics.retried(call.lane.key, reason);
        if (!tryDispatch(call)) {
            hold(call);
        }
    }

    private void timedOut(Call call) {
        call.timedOut = true;
        if (call.lane.held.remove(call)) {
            String why = call.lane.pods.size() == 0
                    ? "no pod of %s was ready within %s (scale from zero did not finish in time)%n"
                    : "every pod of %s stayed busy for %s%n";
            answer(call, 504, "mu: " + String.format(Locale.ROOT, why, call.lane.key, seconds(call)));
        } else if (call.toPod != null) {
            call.toPod.reset(0, new TimeoutException());
        }
    }

    private static String seconds(Call call) {
        return String.format(Locale.ROOT, "%.0f s", call.lane.route.timeout().toMillis() / 1000.0);
    }

    /**
     * Completes the call with the activator's own answer, headers given as name, value pairs (set
     * before completing: the response goes out as the promise completes).
     */
    private static void answer(Call call, int status, String message, CharSequence... headers) {
        ProxyResponse response = ProxyReplies.text(call.context.request(), status, message);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            response.putHeader(headers[i], headers[i + 1]);
        }
        call.result.tryComplete(response);
    }

    private void finish(Call call, int status) {
        if (call.finished) {
            return;
        }
        call.finished = true;
        vertx.cancelTimer(call.timer);
        if (call.pod != null) {
            call.pod.inFlight--;
        }
        long now = System.nanoTime();
        FunctionLane lane = call.lane;
        lane.finished(now, now - call.arrivedNanos);
        metrics.finished(lane.key, status, now - call.arrivedNanos);
        if (lane.removed && lane.idle()) {
            lanes.remove(lane.key, lane); // its last request finished after the function was removed
        }
        dispatchHeld(lane);
        checkDrained();
    }
}
