package dev.muserving.dataplane;

import io.netty.channel.socket.DuplexChannel;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;
import java.time.Duration;

/**
 * Closes a client's HTTP/1 connection after an answer sent before the request's body had all come
 * (413), as nginx's {@code lingering_close} does. Closed at once, the socket would meet the
 * client's next bytes with a reset, and a client still writing its body then fails its writes and
 * can lose the answer it had not read yet. So the activator's side is shut for writing (the
 * client reads the answer, then the end of the stream), the rest of the body is read and dropped,
 * and the connection closes when the body ends, when the client closes, or after
 * {@link #LINGERING_TIME} at most.
 */
public final class LingeringClose {

    /** As long as nginx's {@code lingering_timeout}: a client that is still writing after this is not reading. */
    public static final Duration LINGERING_TIME = Duration.ofSeconds(5);

    private LingeringClose() {
    }

    /**
     * Call once the answer is written. With the request's body read whole, or on HTTP/2 (whose
     * connection other streams share), the connection closes now.
     */
    public static void close(Vertx vertx, HttpServerRequest request) {
        HttpConnection connection = request.connection();
        if (request.isEnded() || request.version() == HttpVersion.HTTP_2 || !(connection instanceof ConnectionBase base)
                || !(base.channel() instanceof DuplexChannel channel) || !channel.isActive()) {
            connection.close();
            return;
        }
        channel.shutdownOutput();
        long timer = vertx.setTimer(LINGERING_TIME.toMillis(), t -> connection.close());
        // the body's own handler may still be set (it drops what comes now); without one, Vert.x drops it
        request.endHandler(v -> {
            vertx.cancelTimer(timer);
            connection.close();
        });
        request.resume();
    }
}
