package dev.muserving.dataplane.activator;

import dev.muserving.dataplane.Deadlines;
import dev.muserving.dataplane.Deadlines.Deadline;
import io.vertx.core.Context;
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

    private final Context context;
    private final long headerMillis;
    private final long idleMillis;
    private final Map<HttpConnection, State> open = new HashMap<>();

    private static final class State {
        int requests;
        Deadline deadline;
    }

    /** A zero duration turns that timeout off. */
    ClientConnections(Context context, Duration headerTimeout, Duration idleTimeout) {
        this.context = context;
        this.headerMillis = headerTimeout.toMillis();
        this.idleMillis = idleTimeout.toMillis();
    }

    void opened(HttpConnection connection) {
        State state = new State();
        open.put(connection, state);
        state.deadline = closeAfter(connection, headerMillis);
        connection.exceptionHandler(e -> { }); // a client that resets its connection is its own business: not logged as SEVERE
        connection.closeHandler(v -> {
            State closed = open.remove(connection);
            if (closed != null) {
                cancel(closed);
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
        cancel(state);
        request.response().endHandler(v -> {
            if (--state.requests == 0 && open.get(connection) == state) {
                state.deadline = closeAfter(connection, idleMillis);
            }
        });
    }

    int size() {
        return open.size();
    }

    private Deadline closeAfter(HttpConnection connection, long millis) {
        return millis <= 0 ? null : Deadlines.after(context, millis, connection::close);
    }

    private static void cancel(State state) {
        if (state.deadline != null) {
            state.deadline.cancel();
            state.deadline = null;
        }
    }
}
