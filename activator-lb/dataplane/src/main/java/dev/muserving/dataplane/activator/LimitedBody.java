package dev.muserving.dataplane.activator;

import io.netty.handler.codec.DecoderException;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * A request body streamed to a pod as it arrives. One of unknown length (chunked) is cut off past a
 * limit: the proxy's pipe to the pod fails, and the activator answers 413 (bodies with a
 * Content-Length are checked before anything is read). A chunk that breaks the framing (a size
 * that is no hex number) is told to {@code onMalformed} whether or not the body is being piped yet:
 * the HTTP codec closes the connection right after, so that is the one moment a 400 can still be
 * written. A body the client broke off (it reset or closed its connection) is remembered
 * ({@link #brokenOff}): the failed send to the pod that follows is the client's doing, not the pod's.
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
    private boolean brokenOff;

    LimitedBody(ReadStream<Buffer> source, long limit, Runnable onTooLarge, Runnable onMalformed) {
        this.source = source;
        this.limit = limit;
        this.onTooLarge = onTooLarge;
        source.exceptionHandler(e -> {
            if (malformed(e)) {
                onMalformed.run();
            } else {
                brokenOff = true;
            }
            if (exceptionHandler != null) {
                exceptionHandler.handle(e);
            }
        });
    }

    /** Whether the client's connection failed before the whole body came. */
    boolean brokenOff() {
        return brokenOff;
    }

    /** Netty's HTTP decoder fails a chunk with the parse error itself (NumberFormatException) or a DecoderException. */
    private static boolean malformed(Throwable e) {
        return e instanceof IllegalArgumentException || e instanceof DecoderException;
    }

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        exceptionHandler = handler;
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
