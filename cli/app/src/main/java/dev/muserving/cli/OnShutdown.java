package dev.muserving.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What a command does when its JVM is told to stop (Ctrl-C, SIGTERM) while it runs: {@code action}
 * (stop sending, interrupt the run), then a wait of at most {@code grace} for the command to finish
 * its own way, e.g. print its totals or stop the processes it started. Without the wait the JVM
 * ends at once, and children it started lose their parent mid-work: lb-bench's nginx master was
 * killed by its parent-death signal before it could stop its workers, which kept their port.
 */
final class OnShutdown implements AutoCloseable {

    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;

    OnShutdown(String name, Runnable action, Duration grace) {
        hook = new Thread(() -> {
            action.run();
            try {
                finished.await(grace.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** A stop interrupts the calling thread, whose run then stops what it started within {@code grace}. */
    static OnShutdown interrupting(String name, Duration grace) {
        return new OnShutdown(name, Thread.currentThread()::interrupt, grace);
    }

    /** The command has finished: a stop from now on has nothing to wait for. */
    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook is running, and may now return
        }
    }
}
