package dev.muserving.dataplane.activator;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Closes the client connections that hold a socket without asking anything: one that has not sent
 * a whole request head within the header timeout of opening (a slow or silent client, as nginx's
 * {@code client_header_timeout}), or that stays without a request in progress for the idle timeout
 * (as {@code keepalive_timeout}). A connection with a request in progress is left alone: the
 * function's own timeout bounds that request. One instance per balancer, on its event loop.
 */
final class ClientConnections {

    private final Vertx vertx;
    private final long headerMillis;
    private final long idleMillis;
    private final Map<HttpConnection, State> open = new HashMap<>();

    private static final class State {
        int requests;
        long timer = -1;
    }

    /** A zero duration turns that timeout off. */
    ClientConnections(Vertx vertx, Duration headerTimeout, Duration idleTimeout) {
        this.vertx = vertx;
        this.headerMillis = headerTimeout.toMillis();
        this.idleMillis = idleTimeout.toMillis();
    }

    void opened(HttpConnection connection) {
        State state = new State();
        open.put(connection, state);
        state.timer = closeAfter(connection, headerMillis);
        connection.exceptionHandler(e -> { }); // a client that resets its connection is its own business: not logged as SEVERE
        connection.closeHandler(v -> {
            State closed = open.remove(connection);
            if (closed != null) {
                vertx.cancelTimer(closed.timer);
            }
        });
    }

    /** A request head arrived; once its response is over, the connection may go idle again. */
    void requestStarted(HttpServerRequest request) {
        HttpConnection connection = request.connection();
        State state = open.get(connection);
        if (state == null) {
            return;
        }
        state.requests++;
        vertx.cancelTimer(state.timer);
        request.response().endHandler(v -> {
            if (--state.requests == 0 && open.get(connection) == state) {
                state.timer = closeAfter(connection, idleMillis);
            }
        });
    }

    int size() {
        return open.size();
    }

    private long closeAfter(HttpConnection connection, long millis) {
        return millis <= 0 ? -1 : vertx.setTimer(millis, id -> connection.close());
    }
}
