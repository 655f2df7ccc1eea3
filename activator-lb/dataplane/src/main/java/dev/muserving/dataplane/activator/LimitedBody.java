package dev.muserving.dataplane.activator;

import io.netty.handler.codec.DecoderException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * A request body as the activator reads it, read whole ({@link #whole}) or streamed to a pod as it
 * arrives. One of unknown length (chunked) is cut off past a limit: the proxy's pipe to the pod
 * fails, and the activator answers 413 (bodies with a Content-Length are checked before anything
 * is read). A chunk that breaks the framing (a size that is no hex number) is told to
 * {@code onMalformed} whether or not the body is being piped yet: the HTTP codec closes the
 * connection right after, so that is the one moment a 400 can still be written. A body the client
 * broke off (it reset or closed its connection) is remembered ({@link #brokenOff}): the failed send
 * to the pod that follows is the client's doing, not the pod's.
 *
 * <p>A body that stops arriving is found by {@link #stalled}, which the balancer asks on a period:
 * only while the activator wants bytes, so a body paused because it waits for a pod, or because
 * the pod reads slowly (the pipe's back-pressure), is not the client's delay. One that keeps
 * arriving too slowly is found by {@link #tooSlow}, once a rate is asked of it ({@link #requireRate}).
 */
final class LimitedBody implements ReadStream<Buffer> {

    /** The body went past the limit. */
    static final class TooLarge extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooLarge(long limit) {
            super("request body over " + limit + " bytes", null, false, false);
        }
    }

    static final int FIRST_ROOM = 64 * 1024;

    private final ReadStream<Buffer> source;
    private final long limit;
    private final Runnable onTooLarge;
    private Handler<Throwable> exceptionHandler;
    private long seen;
    private boolean tooLarge;
    private boolean brokenOff;
    /** The activator reads this body and the client has not sent all of it. */
    private boolean awaited;
    /** Periods since a byte came (or reading resumed), while awaited. */
    private int quietPeriods;
    /** Periods this body was awaited in all, as {@link #stalled} counts them. */
    private long awaitedPeriods;
    /** Bytes per period asked of this body on average; 0 asks for none. */
    private double bytesPerPeriod;

    /** {@code source} must be paused, or read at once by {@link #whole}. */
    LimitedBody(ReadStream<Buffer> source, long limit, Runnable onTooLarge, Runnable onMalformed) {
        this.source = source;
        this.limit = limit;
        this.onTooLarge = onTooLarge;
        source.exceptionHandler(e -> {
            awaited = false;
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

    /**
     * The whole body, read now; fails when the client breaks it off. Room for at most
     * {@link #FIRST_ROOM} is taken before bytes come: a client that declares a large body and sends
     * nothing does not get to take the memory it declared.
     */
    Future<Buffer> whole(long declaredBytes) {
        Promise<Buffer> read = Promise.promise();
        Buffer body = Buffer.buffer((int) Math.min(declaredBytes, FIRST_ROOM));
        exceptionHandler(read::tryFail);
        endHandler(v -> read.tryComplete(body));
        handler(body::appendBuffer);
        awaitBytes();
        return read.future();
    }

    /** Whether the client's connection failed before the whole body came. */
    boolean brokenOff() {
        return brokenOff;
    }

    /**
     * Called once a period: whether this is the {@code periods}-th in a row in which the body was
     * awaited and no byte of it came.
     */
    boolean stalled(int periods) {
        if (!awaited) {
            return false;
        }
        awaitedPeriods++;
        return ++quietPeriods >= periods;
    }

    /** From now on, {@link #tooSlow} holds this body to {@code bytesPerPeriod} on average. */
    void requireRate(double bytesPerPeriod) {
        this.bytesPerPeriod = bytesPerPeriod;
    }

    /**
     * Whether the body, awaited for longer than {@code periods} plus a period for each
     * {@link #requireRate rate's} worth of bytes it sent, is behind that rate (Apache's
     * {@code MinRate}): a byte now and then resets {@link #stalled}, not this. Asked after
     * {@link #stalled} in each period, which counts the period.
     */
    boolean tooSlow(int periods) {
        return awaited && bytesPerPeriod > 0 && awaitedPeriods > periods + seen / bytesPerPeriod;
    }

    long bytesSeen() {
        return seen;
    }

    private void awaitBytes() {
        awaited = true;
        quietPeriods = 0;
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
            quietPeriods = 0;
            seen += chunk.length();
            if (seen > limit) {
                tooLarge = true;
                awaited = false;
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
        awaited = false;
        source.pause();
        return this;
    }

    @Override
    public ReadStream<Buffer> resume() {
        awaitBytes();
        source.resume();
        return this;
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
        awaitBytes();
        source.fetch(amount);
        return this;
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
        source.endHandler(v -> {
            awaited = false;
            if (endHandler != null) {
                endHandler.handle(v);
            }
        });
        return this;
    }
}
