package dev.muserving.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.impl.VertxInternal;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class DeadlinesTest {

    @Test
    void aDeadlineFiresOnceOnTheContextThatSetItAndACancelledOneNever(Vertx vertx) {
        Context context = vertx.getOrCreateContext();
        List<String> fired = new CopyOnWriteArrayList<>();
        AtomicReference<Thread> firedOn = new AtomicReference<>();
        AtomicReference<Thread> contextThread = new AtomicReference<>();
        long[] setAt = new long[1];
        long[] firedAfter = new long[1];
        context.runOnContext(v -> {
            contextThread.set(Thread.currentThread());
            setAt[0] = System.nanoTime();
            Deadlines.Deadline cancelled = Deadlines.after(context, 50, () -> fired.add("cancelled"));
            Deadlines.after(context, 100, () -> {
                firedAfter[0] = System.nanoTime() - setAt[0];
                firedOn.set(Thread.currentThread());
                fired.add("kept");
            });
            cancelled.cancel();
            cancelled.cancel(); // idempotent
        });

        await().until(() -> fired.contains("kept"));
        assertThat(fired).containsExactly("kept"); // the cancelled one was due first and never ran
        assertThat(firedOn.get()).isSameAs(contextThread.get());
        assertThat(firedAfter[0]).isGreaterThanOrEqualTo(100_000_000L);
    }

    @Test
    void cancellingAfterItFiredIsHarmless(Vertx vertx) {
        Context context = vertx.getOrCreateContext();
        List<Deadlines.Deadline> deadline = new CopyOnWriteArrayList<>();
        List<String> fired = new CopyOnWriteArrayList<>();
        context.runOnContext(v -> deadline.add(Deadlines.after(context, 1, () -> fired.add("fired"))));
        await().until(() -> fired.size() == 1);
        context.runOnContext(v -> {
            deadline.get(0).cancel();
            fired.add("cancelled after");
        });
        await().until(() -> fired.size() == 2);
        assertThat(fired).containsExactly("fired", "cancelled after");
    }

    @Test
    void onAWorkerContextItFiresOnThatContextToo(Vertx vertx) {
        Context worker = ((VertxInternal) vertx).createWorkerContext();
        AtomicReference<Context> firedOn = new AtomicReference<>();
        AtomicReference<String> thread = new AtomicReference<>();
        worker.runOnContext(v -> Deadlines.after(worker, 5, () -> {
            thread.set(Thread.currentThread().getName());
            firedOn.set(Vertx.currentContext());
        }));
        await().until(() -> firedOn.get() != null);
        assertThat(firedOn.get()).isSameAs(worker);
        assertThat(thread.get()).startsWith("vert.x-worker-thread");
        assertThat(worker.isWorkerContext()).isTrue();
    }
}
