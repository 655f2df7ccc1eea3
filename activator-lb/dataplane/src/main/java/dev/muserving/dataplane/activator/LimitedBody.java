package dev.muserving.dataplane.activator;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * A request body of unknown length, cut off past a limit: the proxy's pipe to the pod fails, and
 * the activator answers 413. Bodies with a Content-Length are checked before anything is read.
 */
final class LimitedBody implements ReadStream<Buffer> {

    /** The body went past the limit. */
    static final class TooLarge extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooLarge(long limit) {
            super("request body over " + limit + " bytes", null, false, false);
        }
    }

    private final ReadStream<Buffer> source;
    private final long limit;
    private final Runnable onTooLarge;
    private Handler<Throwable> exceptionHandler;
    private long seen;
    private boolean tooLarge;

    LimitedBody(ReadStream<Buffer> source, long limit, Runnable onTooLarge) {
        this.source = source;
        this.limit = limit;
        this.onTooLarge = onTooLarge;
    }

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        exceptionHandler = handler;
        source.exceptionHandler(handler);
        return this;
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> handler) {
        source.handler(handler == null ? null : chunk -> {
            if (tooLarge) {
                return;
            }
            seen += chunk.length();
            if (seen > limit) {
                tooLarge = true;
                onTooLarge.run();
                if (exceptionHandler != null) {
                    exceptionHandler.handle(new TooLarge(limit));
                }
                return;
            }
            handler.handle(chunk);
        });
        return this;
    }

    @Override
    public ReadStream<Buffer> pause() {
        source.pause();
        return this;
    }

    @Override
    public ReadStream<Buffer> resume() {
        source.resume();
        return this;
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
        source.fetch(amount);
        return this;
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
        source.endHandler(endHandler);
        return this;
    }
}
