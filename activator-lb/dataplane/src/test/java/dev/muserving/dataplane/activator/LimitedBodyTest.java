package dev.muserving.dataplane.activator;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import org.junit.jupiter.api.Test;

class LimitedBodyTest {

    /** A client's body that the test feeds by hand. */
    private static final class Incoming implements ReadStream<Buffer> {
        Handler<Buffer> handler;
        Handler<Void> endHandler;
        Handler<Throwable> exceptionHandler;

        void send(String text) {
            handler.handle(Buffer.buffer(text));
        }

        void end() {
            endHandler.handle(null);
        }

        @Override
        public ReadStream<Buffer> exceptionHandler(Handler<Throwable> h) {
            exceptionHandler = h;
            return this;
        }

        @Override
        public ReadStream<Buffer> handler(Handler<Buffer> h) {
            handler = h;
            return this;
        }

        @Override
        public ReadStream<Buffer> pause() {
            return this;
        }

        @Override
        public ReadStream<Buffer> resume() {
            return this;
        }

        @Override
        public ReadStream<Buffer> fetch(long amount) {
            return this;
        }

        @Override
        public ReadStream<Buffer> endHandler(Handler<Void> h) {
            endHandler = h;
            return this;
        }
    }

    private static LimitedBody limited(Incoming incoming) {
        return new LimitedBody(incoming, 1_000_000, () -> { }, () -> { });
    }

    /** A body the pipe to a pod reads now. */
    private static LimitedBody beingStreamed(Incoming incoming) {
        LimitedBody body = limited(incoming);
        body.handler(chunk -> { });
        body.resume();
        return body;
    }

    @Test
    void aBodyReadWholeIsStalledOnlyAfterThePeriodsInARowWithoutAByte() {
        Incoming incoming = new Incoming();
        LimitedBody body = limited(incoming);
        Future<Buffer> whole = body.whole(10);
        assertThat(body.stalled(3)).isFalse();
        assertThat(body.stalled(3)).isFalse();
        incoming.send("abc"); // a byte starts the count again
        assertThat(body.stalled(3)).isFalse();
        assertThat(body.stalled(3)).isFalse();
        assertThat(body.stalled(3)).isTrue();
        incoming.send("defghij");
        incoming.end();
        assertThat(whole.result().toString()).isEqualTo("abcdefghij");
        assertThat(body.stalled(1)).as("a body all there is owed nothing").isFalse();
    }

    @Test
    void aStreamedBodyCountsOnlyWhileThePipeWantsBytes() {
        Incoming incoming = new Incoming();
        LimitedBody body = limited(incoming);
        body.handler(chunk -> { });
        assertThat(body.stalled(1)).as("paused while it waits for a pod").isFalse();
        body.resume();
        assertThat(body.stalled(2)).isFalse();
        body.pause(); // the pod's back-pressure
        assertThat(body.stalled(2)).isFalse();
        assertThat(body.stalled(2)).isFalse();
        body.resume();
        assertThat(body.stalled(2)).isFalse();
        assertThat(body.stalled(2)).isTrue();
    }

    @Test
    void aBodyHeldToARateIsTooSlowOnceItsAwaitedPeriodsPassTheGraceAndAPeriodPerRatesWorthOfBytes() {
        Incoming incoming = new Incoming();
        LimitedBody body = beingStreamed(incoming);
        body.requireRate(10); // 10 bytes a period, after a grace of 2 periods
        incoming.send("x".repeat(20)); // two periods' worth: 4 periods awaited in all before it is behind
        for (int period = 1; period <= 4; period++) {
            incoming.send("x"); // a byte each period: never stalled
            assertThat(body.stalled(2)).isFalse();
            assertThat(body.tooSlow(2)).as("period %d", period).isFalse();
        }
        body.pause(); // the pod's back-pressure is not the client's delay
        assertThat(body.stalled(2)).isFalse();
        assertThat(body.tooSlow(2)).isFalse();
        body.resume();
        assertThat(body.stalled(2)).isFalse();
        assertThat(body.tooSlow(2)).as("5 periods awaited, 24 bytes: 2 + 2.4 periods allowed").isTrue();
    }

    @Test
    void aBodyAskedForNoRateIsNeverTooSlow() {
        Incoming incoming = new Incoming();
        LimitedBody body = beingStreamed(incoming);
        for (int period = 0; period < 100; period++) {
            incoming.send("x");
            body.stalled(2);
        }
        assertThat(body.tooSlow(2)).isFalse();
    }

    @Test
    void aLargeDeclaredBodyTakesNoMoreRoomThanItsFirstShareBeforeItsBytesCome() {
        Incoming incoming = new Incoming();
        Future<Buffer> whole = limited(incoming).whole(1024 * 1024);
        incoming.send("x");
        incoming.end();
        assertThat(whole.result().getByteBuf().capacity()).isLessThanOrEqualTo(LimitedBody.FIRST_ROOM);
    }
}
