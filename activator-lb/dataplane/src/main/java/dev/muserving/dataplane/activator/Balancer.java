package dev.muserving.dataplane.activator;

import dev.muserving.api.FunctionDuration;
import dev.muserving.api.FunctionKey;
import dev.muserving.api.MuHeaderParser;
import dev.muserving.api.MuHeaders;
import dev.muserving.dataplane.Deadlines;
import dev.muserving.dataplane.Drain;
import dev.muserving.dataplane.HeadLimits;
import dev.muserving.dataplane.HeaderCopy;
import dev.muserving.dataplane.InvalidRequests;
import dev.muserving.dataplane.LingeringClose;
import dev.muserving.dataplane.RequestBodyRelay;
import dev.muserving.dataplane.RequestFraming;
import dev.muserving.dataplane.ResponseRelay;
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
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.impl.ConnectionBase;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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
 * <p>Requests are forwarded with the Vert.x HTTP client itself: headers are copied once, straight
 * from the client's request to the pod's ({@link HeaderCopy}; no Mu header crosses in either
 * direction, the pod's report is kept for routing), one callback per step carries the request
 * along ({@link RequestBodyRelay} its body), and {@link ResponseRelay} passes the answer on.
 * vertx-http-proxy, used before, copied the headers three times and chained a future per
 * interceptor per request (docs/dataplane.md, "What changed the numbers").
 */
final class Balancer extends AbstractVerticle {

    private static final long DEMAND_INTERVAL_NANOS = 500_000_000L;
    /**
     * A request whose function died with it goes to one more pod, not to every pod it may try: one that
     * kills the function it reaches (a query of death) took down three pods in a row under {@code mu local},
     * and the requests behind it then met none ready.
     */
    static final int MAX_FUNCTION_DEATHS = 2;
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
    /** Functions that exist and are not served, and why: answered 503 with the reason, not 404. */
    private final Map<FunctionKey, String> notServed = new HashMap<>();
    /** Every call not finished yet, so that a drain that runs out of time can still answer each. */
    private final Set<Call> open = new HashSet<>();
    private final SplittableRandom random;
    private HttpServer server;
    private HttpClient client;
    /** How stalled and slow bodies are looked for; null without a body timeout. */
    private BodyTimeoutSweep bodySweep;
    private Drain drain;
    private ClientConnections connections;

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
        client = vertx.httpClientBuilder().with(HeadLimits.answers(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(2_000)))
                .with(new PoolOptions().setHttp1MaxSize(500))
                // a pod that dies resets its connections: the call on one fails and is retried or answered where it is
                // handled; without a handler Vert.x would also log each reset as SEVERE
                .withConnectHandler(connection -> connection.exceptionHandler(e -> { }))
                .build();
        vertx.setPeriodic(config.recheckInterval().toMillis(), id -> recheck());
        if (!config.bodyTimeout().isZero()) {
            bodySweep = BodyTimeoutSweep.of(config.bodyTimeout());
            vertx.setPeriodic(bodySweep.periodMillis(), id -> sweepStalledBodies(bodySweep.periods()));
        }
        connections = new ClientConnections(context, config.headerTimeout(), config.idleTimeout());
        // No cleartext HTTP/2: the pods speak HTTP/1.1, so h2c would end at this hop (gRPC could not
        // work through it) for no gain; an upgrade request is answered in HTTP/1.1.
        vertx.createHttpServer(HeadLimits.ingress(new HttpServerOptions().setHost(config.bindAddress()).setPort(port))
                        .setHttp2ClearTextEnabled(false))
                .connectionHandler(connections::opened)
                .invalidRequestHandler(InvalidRequests::answerAtTheIngress)
                .requestHandler(this::accept)
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
            Set<FunctionKey> listed = new HashSet<>();
            notServed.clear();
            for (FunctionRoute route : routes) {
                if (route.notServed().isPresent()) {
                    notServed.put(route.key(), route.notServed().get());
                    continue;
                }
                listed.add(route.key());
                FunctionLane lane = lanes.get(route.key());
                if (lane == null) {
                    lane = new FunctionLane(route, policyFor(route));
                    lanes.put(route.key(), lane);
                    metrics.laneOpened(route.key());
                } else if (!lane.route.spec().equals(route.spec()) || !lane.route.routing().equals(route.routing())) {
                    lane.policy = policyFor(route); // new settings take effect with the next request
                }
                lane.route = route;
                lane.removed = false; // a function may come back after it was removed
                lane.pods.update(route.endpoints());
                dispatchHeld(lane);
            }
            // collected first: answering a removed function's last request drops its lane from the map
            List<FunctionLane> gone = new ArrayList<>();
            for (FunctionLane lane : lanes.values()) {
                if (!listed.contains(lane.key)) {
                    gone.add(lane);
                }
            }
            gone.forEach(this::removed);
            done.complete();
        });
        return done.future();
    }

    /**
     * The function is no longer listed: its held requests get 503, its pods no new request, and the
     * lane goes as soon as no request of its own is left (those at pods may finish).
     */
    private void removed(FunctionLane lane) {
        lane.removed = true;
        lane.pods.update(List.of()); // before the 503s: each answer offers the held requests left to the pods
        while (!lane.held.isEmpty()) {
            answer(lane.held.pollFirst(), 503, removedWhileWaiting(lane));
        }
        dropIfDone(lane);
    }

    private static String removedWhileWaiting(FunctionLane lane) {
        return "mu: function " + lane.key + " was removed while this request waited for a pod\n";
    }

    /** Forgets a removed function's lane once it has no request left; the function's meters go with its last lane. */
    private void dropIfDone(FunctionLane lane) {
        if (lane.removed && lane.idle() && lanes.remove(lane.key, lane)) {
            metrics.laneClosed(lane.key);
        }
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
            // removed lanes too: the gauges of a removed function show its last requests finishing
            lanes.forEach((key, lane) -> stats.put(key, lane.takeStats(now)));
            done.complete(stats);
        });
        return done.future();
    }

    /**
     * New requests get 503; those in flight or held finish (or time out); those still open when the
     * drain timeout passes get a 503 that says so; then the socket closes.
     */
    Future<Void> drain() {
        Promise<Void> done = Promise.promise();
        context.runOnContext(v -> {
            if (drain == null) {
                drain = Drain.start(vertx, config.drainTimeout(), open::isEmpty);
                drain.future().onComplete(x -> cutOff());
            }
            drain.future().compose(x -> server.close()).onComplete(x -> done.complete());
        });
        return done.future();
    }

    /** The drain timeout passed: each call still open gets an answer instead of a connection closed on it. */
    private void cutOff() {
        for (Call call : List.copyOf(open)) {
            giveUp(call, 503, String.format(Locale.ROOT, "mu: this activator shut down before %s answered (it gave the requests in progress %s once it began to stop)%n",
                    call.lane.key, seconds(config.drainTimeout())));
        }
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

    /** A request from a client: which function, limits, its body, then a pod or the hold queue. */
    private void accept(HttpServerRequest request) {
        connections.requestStarted(request);
        if (drain != null) {
            reply(request, 503, "mu: this activator is shutting down; retry\n", AfterReply.CLOSE);
            return;
        }
        List<String> hosts = request.headers().getAll(HttpHeaders.HOST);
        if (hosts.size() > 1 || (hosts.isEmpty() && request.version() == HttpVersion.HTTP_1_1)) {
            // RFC 9112 §3.2: an HTTP/1.1 request has exactly one Host; guessing which one is meant
            // is how requests get routed past a front proxy's checks
            reply(request, 400, hosts.isEmpty() ? "mu: an HTTP/1.1 request needs a Host header\n"
                    : "mu: a request may have only one Host header\n", AfterReply.CLOSE);
            return;
        }
        RequestFraming.Refusal refusal = RequestFraming.refusal(request);
        if (refusal != null) {
            reply(request, refusal.status(), "mu: " + refusal.reason() + "\n", AfterReply.CLOSE);
            return;
        }
        HostAndPort hostHeader = request.authority();
        RequestTarget target = RequestTarget.of(request.uri(), hostHeader == null ? null : hostHeader.toString());
        RequestAddress address = RequestAddress.of(target.authority(), target.uri(), config.domain());
        if (address == null) {
            reply(request, 404, "mu: this request names no function" + RequestAddress.whyNoFunction(target.uri()).map(why -> " (" + why + ")")
                    .orElse("") + "; call /fn/<namespace>/<function>/... or send Host: <function>.<namespace>." + config.domain() + "\n", AfterReply.KEEP_OPEN);
            return;
        }
        FunctionLane lane = lanes.get(address.function());
        if (lane == null || lane.removed) {
            String why = notServed.get(address.function());
            if (why == null) {
                reply(request, 404, Activator.NO_FUNCTION + " " + address.function() + "\n", AfterReply.KEEP_OPEN);
            } else {
                reply(request, 503, "mu: " + address.function() + " is not served: " + why + "\n", AfterReply.KEEP_OPEN);
            }
            return;
        }
        long declared = declaredLength(request);
        if (declared > config.maxBodyBytes()) {
            reply(request, 413, String.format(Locale.ROOT, "mu: the request body (%d bytes) is over the limit of %d bytes%n",
                    declared, config.maxBodyBytes()), RequestFraming.awaitsContinue(request) ? AfterReply.CLOSE : AfterReply.CLOSE_LINGERING);
            return;
        }
        // the function sees the host its caller named; with none (HTTP/1.0), its own name rather than the pod's address
        HostAndPort authority = target.absolute() ? HostAndPort.parseAuthority(target.authority(), -1) : hostHeader;
        if (authority == null) {
            authority = HostAndPort.authority(address.function().host(config.domain()));
        }
        Call call = new Call(request, lane, address.uri(), authority, clock.millis());
        open.add(call);
        call.deadline = Deadlines.after(context, lane.route.timeout().toMillis(), () -> timedOut(call));
        boolean chunked = request.headers().contains(HttpHeaders.TRANSFER_ENCODING, HttpHeaders.CHUNKED, true);
        if ((declared > 0 || chunked) && RequestFraming.awaitsContinue(request)) {
            request.response().writeContinue(); // the limits are checked: the body is welcome (the pod gets no Expect)
        }
        Future<Void> bodyRead = Future.succeededFuture();
        if (chunked || declared > config.retryBufferBytes()) {
            request.pause();
            call.incoming = call.stream = incoming(call);
            if (bodySweep != null) {
                // it holds a slot of the function while it streams: it must keep coming, not only not stop
                call.stream.requireRate(bodySweep.bytesPerPeriod(config.bodyMinRate()));
            }
        } else if (declared <= 0) {
            call.replayable = true; // HTTP/1 framing: without Content-Length or chunking there is no body
        } else {
            call.incoming = incoming(call);
            bodyRead = call.incoming.whole(declared).map(body -> {
                call.body = body;
                call.replayable = true;
                return null;
            });
        }
        lane.arrived(call.arrivedNanos);
        request.response().closeHandler(v -> clientClosed(call));
        bodyRead.onComplete(read -> {
            if (call.finished) {
                return; // timed out (408) or the client left
            }
            if (read.failed()) {
                finish(call, 499); // the client went away while sending the body
            } else if (!lane.held.isEmpty() || !tryDispatch(call)) {
                hold(call);
            }
        });
    }

    private LimitedBody incoming(Call call) {
        return new LimitedBody(call.request, config.maxBodyBytes(), () -> call.bodyTooLarge = true, () -> malformedBody(call));
    }

    /** The Content-Length, -1 when there is none. */
    private static long declaredLength(HttpServerRequest request) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length == null) {
            return -1;
        }
        try {
            return Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return -1; // the HTTP codec has refused a request with an invalid one before it gets here
        }
    }

    private void clientClosed(Call call) {
        if (call.finished) {
            return;
        }
        HttpClientRequest toPod = call.toPod;
        call.lane.held.remove(call);
        finish(call, 499);
        if (toPod != null) {
            toPod.reset(); // the pod's connection is not kept for an answer no one reads
        }
    }

    /** The client's chunked framing broke; the HTTP codec closes its connection as soon as this returns. */
    private void malformedBody(Call call) {
        if (call.finished) {
            return;
        }
        giveUp(call, 400, "mu: the request body's chunked framing is malformed\n");
        if (call.request.connection() instanceof ConnectionBase connection) {
            // Vert.x flushes writes made while it reads when the read completes, but the codec's close
            // comes first and would drop the 400: push it out now
            connection.flush();
        }
    }

    /**
     * Bodies the activator waits for that have not sent a byte for the body timeout get 408, as
     * nginx's client_body_timeout; so do streamed ones behind the minimum rate, as Apache's MinRate.
     */
    private void sweepStalledBodies(int periods) {
        List<Call> stalled = new ArrayList<>();
        List<Call> slow = new ArrayList<>();
        for (Call call : open) {
            if (call.incoming == null) {
                continue;
            }
            if (call.incoming.stalled(periods)) {
                stalled.add(call);
            } else if (call.incoming.tooSlow(periods)) {
                slow.add(call);
            }
        }
        for (Call call : stalled) {
            giveUp(call, 408, String.format(Locale.ROOT, "mu: the request body stopped arriving (nothing came for %s)%n",
                    seconds(config.bodyTimeout())));
        }
        for (Call call : slow) {
            giveUp(call, 408, String.format(Locale.ROOT,
                    "mu: the request body came too slowly (%d bytes; after the first %s, %d bytes a second on average are needed)%n",
                    call.incoming.bytesSeen(), seconds(config.bodyTimeout()), config.bodyMinRate()));
        }
    }

    /**
     * Answers the call and closes the client's connection, whatever state the call is in; a body on
     * its way to a pod is cut off there, so that the function never takes it for a whole one.
     */
    private void giveUp(Call call, int status, String message) {
        HttpClientRequest toPod = call.toPod;
        call.lane.held.remove(call);
        answer(call, status, message, AfterReply.CLOSE);
        if (toPod != null) {
            toPod.reset();
        }
    }

    /** The call no longer counts against its pod. */
    private static void release(Call call) {
        if (call.pod != null) {
            call.pod.inFlight--;
            call.lane.inFlight--;
            call.pod = null;
            call.toPod = null;
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
        if (lane.removed) {
            // removed while its body was read, or while a pod of the function had it: no pod will come
            answer(call, 503, removedWhileWaiting(lane));
            return;
        }
        if (lane.held.size() >= config.holdLimit()) {
            call.request.response().putHeader(HttpHeaders.RETRY_AFTER, "1");
            answer(call, 503, String.format(Locale.ROOT,
                    "mu: %s already has %d requests waiting for a pod; retry later%n", lane.key, lane.held.size()));
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
            send(lane.takeHeld(clock.millis()), lane.pods.get(choice));
        }
    }

    private void send(Call call, PodTable.Pod pod) {
        call.pod = pod;
        call.attempts++;
        pod.inFlight++;
        call.lane.inFlight++;
        call.lane.pods.connecting(pod);
        HttpServerRequest request = call.request;
        client.request(new RequestOptions().setServer(pod.address).setMethod(request.method()).setURI(call.uri))
                .onComplete(connected -> {
                    if (call.lane.pods.connected(pod, connected.succeeded())) {
                        context.runOnContext(v -> dispatchHeld(call.lane)); // what waited for the pod's first connection
                    }
                    if (connected.failed()) {
                        connectFailed(call, pod);
                        return;
                    }
                    HttpClientRequest toPod = connected.result();
                    // a failure also fails the response future, where it is handled; without a handler Vert.x logs each reset as SEVERE
                    toPod.exceptionHandler(e -> { });
                    if (call.finished || call.timedOut) { // the client left, or the time ran out, while connecting
                        toPod.reset();
                        failed(call, pod, new TimeoutException());
                        return;
                    }
                    call.toPod = toPod;
                    HeaderCopy.request(request.headers(), toPod.headers());
                    SocketAddress peer = request.remoteAddress();
                    ForwardedHeaders.add(toPod.headers(), peer == null ? null : peer.hostAddress(), request.scheme(),
                            call.authority.toString());
                    toPod.authority(call.authority);
                    sendBody(call, toPod).onComplete(answered -> {
                        if (answered.succeeded()) {
                            answered(call, pod, answered.result());
                        } else {
                            failed(call, pod, answered.cause());
                        }
                    });
                });
    }

    private static Future<HttpClientResponse> sendBody(Call call, HttpClientRequest toPod) {
        if (call.body != null) {
            return toPod.send(call.body);
        }
        if (call.stream == null) {
            return toPod.send();
        }
        return RequestBodyRelay.stream(call.stream, toPod);
    }

    /** The pod answered: sent again when the pod says it never passed the request on, else forwarded. */
    private void answered(Call call, PodTable.Pod pod, HttpClientResponse response) {
        if (call.finished) {
            return; // the client left: no one reads this answer
        }
        String notDelivered = response.getHeader(MuHeaders.NOT_DELIVERED);
        if (notDelivered != null && call.replayable && !call.timedOut) {
            // the pod never passed it on: any pod may take it, whatever its method
            release(call);
            if (MuHeaders.DRAINING.equals(notDelivered)) {
                call.lane.pods.leaving(pod);
            } else {
                coolDown(call, pod);
            }
            sendAgain(call, notDelivered);
            return;
        }
        if (response.getHeader(MuHeaders.FUNCTION_FAILED) != null && ++call.functionDeaths < MAX_FUNCTION_DEATHS && mayRunAgain(call)) {
            // the function took it and died or dropped the connection: as if the pod had not answered
            release(call);
            coolDown(call, pod);
            sendAgain(call, RETRY_IDEMPOTENT);
            return;
        }
        call.deadline.cancel(); // the timeout covers the wait until the response headers
        pod.report = pod.report.updatedWith(MuHeaderParser.parse(response::getHeader), clock.millis());
        if (pod.index >= 0) {
            call.lane.policy.onResponse(call.lane.pods, pod.index, (System.nanoTime() - call.arrivedNanos) / 1e6, clock.instant());
        }
        ResponseRelay.relay(response, call.request, headers -> { }).onComplete(sent -> finish(call, sent.result()));
    }

    private void connectFailed(Call call, PodTable.Pod pod) {
        release(call);
        if (call.finished) {
            return; // the client went away
        }
        if (call.timedOut) {
            answer(call, 504, String.format(Locale.ROOT, "mu: %s did not answer within %s%n", call.lane.key, seconds(call)));
            return;
        }
        // Nothing was sent: another pod may take it.
        coolDown(call, pod);
        if (call.attempts < config.maxAttempts()) {
            sendAgain(call, RETRY_CONNECT_FAILED);
            return;
        }
        answer(call, 502, String.format(Locale.ROOT, "mu: no pod of %s accepted a connection (%d tried)%n",
                call.lane.key, call.attempts));
    }

    /** Sent, and no answer came. */
    private void failed(Call call, PodTable.Pod pod, Throwable cause) {
        release(call);
        if (call.finished) {
            return; // the client went away
        }
        if (call.stream != null && call.stream.brokenOff()) {
            // the client reset its connection while its body streamed to the pod: the send failed
            // before the close was reported, and it is the client's doing, not the pod's
            finish(call, 499);
            return;
        }
        if (call.timedOut) {
            answer(call, 504, String.format(Locale.ROOT, "mu: %s did not answer within %s%n", call.lane.key, seconds(call)));
        } else if (mayRunAgain(call)) {
            // The pod may have run it, which an idempotent request allows. Like nginx's max_fails,
            // the pod sits out a cool-down: it may be dying.
            coolDown(call, pod);
            sendAgain(call, RETRY_IDEMPOTENT);
        } else if (call.bodyTooLarge) {
            answer(call, 413, String.format(Locale.ROOT, "mu: the request body is over the limit of %d bytes%n",
                    config.maxBodyBytes()), AfterReply.CLOSE_LINGERING);
        } else {
            answer(call, 502, String.format(Locale.ROOT, "mu: pod %s of %s failed before answering%n", pod.endpoint.pod(), call.lane.key));
        }
    }

    /** Whether a request a pod may have run can go to a pod again: an idempotent method, the body kept, tries left. */
    private boolean mayRunAgain(Call call) {
        return !call.timedOut && call.replayable && IDEMPOTENT.contains(call.request.method()) && call.attempts < config.maxAttempts();
    }

    /** Keeps a pod that failed a request out of the call's function's routing for the cool-down. */
    private void coolDown(Call call, PodTable.Pod pod) {
        call.lane.pods.suspend(pod, config.unreachableCooldown().toNanos());
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
                    ? "no pod of %s was ready within %s (none started, or none became ready, in time)%n"
                    : "every pod of %s stayed busy for %s%n";
            answer(call, 504, "mu: " + String.format(Locale.ROOT, why, call.lane.key, seconds(call)));
        } else if (call.pod == null) { // neither held nor at a pod: its body is still being read
            answer(call, 408, String.format(Locale.ROOT, "mu: the request body did not arrive within %s%n", seconds(call)), AfterReply.CLOSE);
        } else if (call.toPod != null) {
            call.toPod.reset(0, new TimeoutException());
        }
    }

    private static String seconds(Call call) {
        return seconds(call.lane.route.timeout());
    }

    /** "30 s", "0.4 s". */
    private static String seconds(Duration duration) {
        return FunctionDuration.seconds(duration) + " s";
    }

    private void answer(Call call, int status, String message) {
        answer(call, status, message, AfterReply.KEEP_OPEN);
    }

    /** Answers the call with the activator's own plain-text reply, and finishes it. */
    private void answer(Call call, int status, String message, AfterReply then) {
        reply(call.request, status, message, then);
        finish(call, status);
    }

    /**
     * The activator's own answer: plain text that says what happened. The request's body, if any,
     * is read and dropped, unless the connection is to close once the answer is out.
     */
    private void reply(HttpServerRequest request, int status, String message, AfterReply then) {
        HttpServerResponse response = request.response();
        if (response.headWritten()) {
            response.reset(); // the pod's answer has begun: it cannot be replaced
            return;
        }
        response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8");
        if (then != AfterReply.KEEP_OPEN) {
            response.putHeader(HttpHeaders.CONNECTION, "close");
        }
        request.resume();
        response.end(message).onComplete(sent -> {
            if (then == AfterReply.CLOSE_LINGERING) {
                LingeringClose.close(vertx, request);
            } else if (then == AfterReply.CLOSE) {
                request.connection().close();
            }
        });
    }

    /** What becomes of the client's connection once the activator's own answer is out. */
    private enum AfterReply {
        KEEP_OPEN,
        CLOSE,
        /** For a body too large that the client may still be sending: see {@link LingeringClose}. */
        CLOSE_LINGERING
    }

    private void finish(Call call, int status) {
        if (call.finished) {
            return;
        }
        call.finished = true;
        open.remove(call);
        call.deadline.cancel();
        release(call);
        long now = System.nanoTime();
        FunctionLane lane = call.lane;
        lane.finished(now, now - call.arrivedNanos);
        metrics.finished(lane.key, status, now - call.arrivedNanos);
        dropIfDone(lane); // its last request may have finished after the function was removed
        dispatchHeld(lane);
        checkDrained();
    }
}
