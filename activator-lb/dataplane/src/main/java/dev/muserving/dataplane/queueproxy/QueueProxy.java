package dev.muserving.dataplane.queueproxy;

import dev.muserving.api.FunctionDuration;
import dev.muserving.api.MuHeaders;
import dev.muserving.api.QueueProxyContract;
import dev.muserving.api.ServiceRateMeter;
import dev.muserving.dataplane.AdminEndpoints;
import dev.muserving.dataplane.Deadlines;
import dev.muserving.dataplane.Drain;
import dev.muserving.dataplane.HeadLimits;
import dev.muserving.dataplane.HeaderCopy;
import dev.muserving.dataplane.InvalidRequests;
import dev.muserving.dataplane.RequestBodyRelay;
import dev.muserving.dataplane.RequestFraming;
import dev.muserving.dataplane.ResponseRelay;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.SocketAddress;
import java.io.IOException;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

/**
 * The sidecar in front of every function container: enforces containerConcurrency with a bounded
 * wait queue, stamps the Mu headers on every response (and strips any a request or the user
 * container brings), serves readiness and Prometheus metrics on its admin port, and drains on
 * shutdown. One verticle: its state lives on one event loop.
 */
public final class QueueProxy extends AbstractVerticle {

    private static final System.Logger LOG = System.getLogger(QueueProxy.class.getName());

    private final QueueProxyConfig config;
    private final Clock clock;
    private final ConcurrencyGate gate;
    private final ServiceRateMeter serviceRate;
    private final QueueProxyMetrics metrics;
    private final SocketAddress user;
    private HttpServer traffic;
    private HttpServer admin;
    private HttpClient client;
    private Drain drain;
    private final Promise<Void> drained = Promise.promise();
    /** Set by {@link #drain()} on the caller's thread, so that readiness fails at once, not when the event loop gets to it. */
    private volatile boolean draining;

    public QueueProxy(QueueProxyConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.gate = new ConcurrencyGate(config.containerConcurrency(), config.queueDepth());
        this.serviceRate = new ServiceRateMeter(config.containerConcurrency());
        // Gauges are read on the scraping thread; these reads of event-loop state are racy but only
        // ever a moment stale, which is all a gauge promises.
        this.metrics = new QueueProxyMetrics(config, gate::running, gate::inPod, serviceRate::rate);
        this.user = SocketAddress.inetSocketAddress(config.userPort(), "127.0.0.1");
    }

    /** One request's path through the pod. */
    private static final class Exchange {
        final HttpServerRequest request;
        final long arrivedNanos = System.nanoTime();
        ConcurrencyGate.Ticket ticket;
        /** It has a slot (set as it gets one: the gate may admit it before {@link #ticket} is known). */
        boolean admitted;
        long admittedNanos = -1;
        long serviceNanos = -1;
        HttpClientRequest toUser;
        Deadlines.Deadline deadline;
        boolean timedOut;
        boolean clientGone;
        /** Its slot is given back. */
        boolean finished;
        /** Answered (or given up) and counted. */
        boolean answered;
        /** Why the function never saw this request ({@link MuHeaders#NOT_DELIVERED}), or null. */
        String notDelivered;
        /** What failed after the function took the request ({@link MuHeaders#FUNCTION_FAILED}), or null. */
        String functionFailed;

        Exchange(HttpServerRequest request) {
            this.request = request;
        }
    }

    @Override
    public void start(Promise<Void> started) {
        client = vertx.httpClientBuilder().with(HeadLimits.answers(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(5_000)))
                .with(new PoolOptions().setHttp1MaxSize(config.containerConcurrency() > 0 ? config.containerConcurrency() : 1_000))
                // a function that dies resets its connections: the request on one fails and is answered 502 (and logged)
                // there; without a handler Vert.x would also log each reset as SEVERE
                .withConnectHandler(connection -> connection.exceptionHandler(e -> { }))
                .build();
        HttpServerOptions options = new HttpServerOptions().setHost(config.bindAddress());
        Future<HttpServer> trafficUp = vertx.createHttpServer(HeadLimits.behindIngress(new HttpServerOptions(options)).setPort(config.port()))
                .invalidRequestHandler(InvalidRequests::answerBehindTheIngress).requestHandler(this::accept).listen();
        Future<HttpServer> adminUp = vertx.createHttpServer(new HttpServerOptions(options).setPort(config.adminPort()))
                .requestHandler(adminHandler()).listen();
        Future.all(trafficUp, adminUp).onSuccess(all -> {
            traffic = trafficUp.result();
            admin = adminUp.result();
            started.complete();
        }).onFailure(started::fail);
    }

    public int port() {
        return traffic.actualPort();
    }

    public int adminPort() {
        return admin.actualPort();
    }

    /** Requests in the pod, running and waiting; read off the event loop, so only a moment's truth (for tests). */
    int inPod() {
        return gate.inPod();
    }

    /**
     * Fails readiness at once and lets the running requests finish (at most the drain timeout). The
     * waiting ones, and any that arrive while the ports stay open (at least the drain linger), are
     * answered 503 marked {@link MuHeaders#NOT_DELIVERED}, so that a balancer sends them to another
     * pod instead of waiting on one that is leaving.
     */
    public Future<Void> drain() {
        draining = true;
        Promise<Void> done = Promise.promise();
        context.runOnContext(v -> {
            if (drain == null) {
                gate.turnAwayWaiting();
                long lingerUntil = System.nanoTime() + config.drainLinger().toNanos();
                drain = Drain.start(vertx, config.drainTimeout(), () -> gate.inPod() == 0 && System.nanoTime() - lingerUntil >= 0);
                if (!config.drainLinger().isZero()) {
                    vertx.setTimer(Math.max(1, config.drainLinger().toMillis()), id -> drain.check());
                }
            }
            drain.future().onComplete(x -> drained.tryComplete()); // answers the preStop hook before the ports close
            drain.future().compose(x -> Future.all(traffic.close(), admin.close())).onComplete(x -> done.complete());
        });
        return done.future();
    }

    private void checkDrained() {
        if (drain != null) {
            drain.check();
        }
    }

    /** A request arrives: it runs now, waits for a slot, or is turned away. Its body waits with it. */
    private void accept(HttpServerRequest request) {
        Exchange exchange = new Exchange(request);
        RequestFraming.Refusal refusal = RequestFraming.refusal(request);
        if (refusal != null) {
            // never passed on, but not marked so: the same request would be refused by any pod
            request.response().putHeader(HttpHeaders.CONNECTION, "close").endHandler(v -> request.connection().close());
            reply(exchange, refusal.status(), "mu queue-proxy: " + refusal.reason() + "\n");
            return;
        }
        if (draining) {
            turnAway(exchange);
            return;
        }
        request.pause();
        exchange.ticket = gate.enter(() -> forward(exchange), () -> turnAway(exchange));
        if (exchange.ticket == null) {
            metrics.rejected();
            reply(exchange, 503, String.format(Locale.ROOT,
                    "mu queue-proxy: pod %s is full (%d running, %d waiting); try another pod or retry later%n",
                    config.podName(), gate.running(), gate.waiting()));
            return;
        }
        request.response().closeHandler(v -> clientClosed(exchange));
    }

    /** The client went away: a waiting request gives up its place, a running one is not kept for an answer no one reads. */
    private void clientClosed(Exchange exchange) {
        if (exchange.answered || exchange.clientGone) {
            return;
        }
        exchange.clientGone = true;
        if (!exchange.admitted) {
            exchange.ticket.cancel();
            completed(exchange, 499);
            checkDrained();
        } else if (exchange.toUser != null) {
            exchange.toUser.reset();
        }
    }

    /** The request has a slot: on to the function, with the time limit running from here. */
    private void forward(Exchange exchange) {
        exchange.admitted = true;
        exchange.admittedNanos = System.nanoTime();
        exchange.deadline = Deadlines.after(context, config.requestTimeout().toMillis(), () -> {
            exchange.timedOut = true;
            if (exchange.toUser != null) {
                exchange.toUser.reset(0, new TimeoutException());
            }
        });
        HttpServerRequest request = exchange.request;
        Future<HttpClientRequest> connected;
        try {
            connected = client.request(new RequestOptions().setServer(user).setMethod(request.method()).setURI(request.uri()));
        } catch (IllegalStateException closed) {
            // stopped without a drain (its function died): a request admitted now never reaches the function
            connected = Future.failedFuture(closed);
        }
        connected.compose(toUser -> {
            exchange.toUser = toUser; // connected: from here on the function may see the request
            toUser.exceptionHandler(e -> { }); // a failure also fails the response future, where it is handled
            if (exchange.timedOut || exchange.clientGone) {
                toUser.reset(0, new TimeoutException());
                return Future.failedFuture(new TimeoutException());
            }
            HeaderCopy.request(request.headers(), toUser.headers());
            if (request.authority() != null) {
                toUser.authority(request.authority()); // the function sees its caller's Host
            }
            if (RequestFraming.awaitsContinue(request)) {
                request.response().writeContinue(); // the function gets no Expect: the body is welcome here
            }
            return sendBody(request, toUser);
        }).onComplete(answered -> {
            exchange.deadline.cancel();
            if (answered.succeeded() && !exchange.clientGone) {
                exchange.serviceNanos = System.nanoTime() - exchange.admittedNanos;
                serviceRate.observe(exchange.serviceNanos / 1e9);
                ResponseRelay.relay(answered.result(), request, headers -> stamp(headers, exchange))
                        .onComplete(sent -> completed(exchange, sent.result()));
            } else {
                if (answered.succeeded()) {
                    exchange.toUser.reset(); // answered just as the client left: its body is not read
                }
                failed(exchange, answered.cause());
            }
        });
    }

    /** The request's body as it arrives; none for an HTTP/1 request framed without one. */
    private static Future<HttpClientResponse> sendBody(HttpServerRequest request, HttpClientRequest toUser) {
        boolean chunked = request.headers().contains(HttpHeaders.TRANSFER_ENCODING, HttpHeaders.CHUNKED, true);
        boolean http1 = request.version() != HttpVersion.HTTP_2;
        if (http1 && !chunked && !request.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
            request.resume();
            return toUser.send();
        }
        return RequestBodyRelay.stream(request, toUser);
    }

    /** No answer from the function: why, in the status and the Mu headers, so that the balancer knows whether to retry. */
    private void failed(Exchange exchange, Throwable cause) {
        finish(exchange);
        if (exchange.clientGone) {
            completed(exchange, 499);
        } else if (exchange.timedOut) {
            reply(exchange, 504, String.format(Locale.ROOT,
                    "mu queue-proxy: the function did not answer within %s s%n", FunctionDuration.seconds(config.requestTimeout())));
        } else if (exchange.toUser == null) {
            exchange.notDelivered = MuHeaders.FUNCTION_UNREACHABLE;
            LOG.log(System.Logger.Level.WARNING, "cannot reach the function on port {0}: {1}", config.userPort(), cause.getMessage());
            reply(exchange, 502, "mu queue-proxy: the function is not accepting connections\n");
        } else if (resetUnread(cause)) {
            // The kernel resets a connection when its socket closes with bytes unread, or when bytes reach a
            // socket already closed: the function died (or closed) without reading the whole request. Typical
            // when its process is killed: a request on a pooled connection in the moment before the pod leaves.
            exchange.notDelivered = MuHeaders.FUNCTION_UNREACHABLE;
            LOG.log(System.Logger.Level.WARNING, "the function reset the connection without reading the request: {0}",
                    cause.getMessage());
            reply(exchange, 502, "mu queue-proxy: the function closed the connection without reading the request\n");
        } else {
            exchange.functionFailed = MuHeaders.CONNECTION_LOST;
            LOG.log(System.Logger.Level.WARNING, "the function failed before answering: {0}", cause.getMessage());
            // the client learns what happened, not the pod's ports and addresses
            reply(exchange, 502, "mu queue-proxy: the function failed before answering\n");
        }
    }

    /** A reset (RST) or a write into one (EPIPE), as the JDK and Netty's native transport word them. */
    static boolean resetUnread(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (t instanceof IOException && message != null && (message.contains("Connection reset") || message.contains("Broken pipe"))) {
                return true;
            }
        }
        return false;
    }

    /** The queue-proxy's own answer, plain text, stamped as the function's are; the request's body is read and dropped. */
    private void reply(Exchange exchange, int status, String message) {
        HttpServerResponse out = exchange.request.response();
        if (out.headWritten()) {
            out.reset();
            completed(exchange, status);
            return;
        }
        out.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8");
        if (status == 503) {
            out.putHeader(HttpHeaders.RETRY_AFTER, "1");
        }
        stamp(out.headers(), exchange);
        exchange.request.resume();
        out.end(message).onComplete(sent -> completed(exchange, status));
    }

    /** The request is over, whichever way: its slot is free and it is counted, once. */
    private void completed(Exchange exchange, int status) {
        finish(exchange);
        if (!exchange.answered) {
            exchange.answered = true;
            metrics.completed(status, System.nanoTime() - exchange.arrivedNanos, exchange.serviceNanos);
        }
    }

    /** Frees the request's slot once, whichever way it ended. */
    private void finish(Exchange exchange) {
        if (exchange.admitted && !exchange.finished) {
            exchange.finished = true;
            gate.leave();
            checkDrained();
        }
    }

    /** The answer to a request the function will never see, because the pod is leaving. */
    private void turnAway(Exchange exchange) {
        exchange.notDelivered = MuHeaders.DRAINING;
        reply(exchange, 503, String.format(Locale.ROOT,
                "mu queue-proxy: pod %s is shutting down and did not pass this request to the function; retry%n", config.podName()));
    }

    private void stamp(MultiMap headers, Exchange exchange) {
        boolean stillRunning = exchange.admitted && !exchange.finished;
        headers.set(MuHeaders.QUEUE_LENGTH, Integer.toString(gate.inPod() - (stillRunning ? 1 : 0)));
        double rate = serviceRate.rate();
        if (rate > 0) {
            headers.set(MuHeaders.SERVICE_RATE, String.format(Locale.ROOT, "%.3f", rate));
        }
        headers.set(MuHeaders.POD, config.podName());
        headers.set(MuHeaders.ARCH, config.arch().label());
        headers.set(MuHeaders.TIMESTAMP, Long.toString(clock.millis()));
        if (exchange.notDelivered != null) {
            headers.set(MuHeaders.NOT_DELIVERED, exchange.notDelivered);
        }
        if (exchange.functionFailed != null) {
            headers.set(MuHeaders.FUNCTION_FAILED, exchange.functionFailed);
        }
    }

    /** Adds the JVM's meters to {@code /metrics}; once per process ({@link dev.muserving.dataplane.JvmMetrics}). */
    public void bindJvmMetrics() {
        metrics.bindJvmMetrics();
    }

    /** The admin port: readiness, metrics, and the user container's preStop hook. */
    private Handler<HttpServerRequest> adminHandler() {
        Handler<HttpServerRequest> common = AdminEndpoints.handler("mu queue-proxy", metrics::scrape, this::ready);
        return request -> {
            if (QueueProxyContract.WAIT_FOR_DRAIN_PATH.equals(request.path())) {
                drained.future().onComplete(x -> request.response().end("drained\n"));
            } else {
                common.handle(request);
            }
        };
    }

    /** Ready while not draining and while the user container accepts connections. */
    private void ready(HttpServerRequest request) {
        if (draining) {
            request.response().setStatusCode(503).end("draining\n");
            return;
        }
        vertx.createNetClient(new NetClientOptions().setConnectTimeout(1_000)).connect(user).onComplete(connected -> {
            if (connected.succeeded()) {
                connected.result().close();
                request.response().end("ready\n");
            } else {
                request.response().setStatusCode(503).end("the function is not accepting connections on port "
                        + config.userPort() + ": " + connected.cause().getMessage() + "\n");
            }
        });
    }
}
