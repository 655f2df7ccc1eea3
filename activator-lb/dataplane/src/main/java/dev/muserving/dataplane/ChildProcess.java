package dev.muserving.dataplane;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A process this one started (a queue-proxy, a function, a proxy under benchmark): started, waited
 * for until it says it listens, and stopped for sure. Its output goes to a log file, so a failure
 * can be read afterwards.
 */
public final class ChildProcess implements AutoCloseable {

    private static final Pattern PORT = Pattern.compile(":(\\d+)");

    private final String name;
    private final Process process;
    private final String firstLine;

    private ChildProcess(String name, Process process, String firstLine) {
        this.name = name;
        this.process = process;
        this.firstLine = firstLine;
    }

    /** JVM options for helpers that should start fast and stay small (tests, pods of `mu local`). */
    public static final List<String> QUICK_START = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k", "-Xmx96m");

    /**
     * Starts a Java main of this code base in a fresh JVM and waits for its first line of output
     * (each main prints where it listens).
     */
    public static ChildProcess java(String name, String mainClass, List<String> jvmOptions, Map<String, String> env, Path log,
            Duration startTimeout) throws IOException {
        return start(name, javaCommand(mainClass, jvmOptions), env, log, startTimeout);
    }

    /** The command line that runs a Java main of this code base in a fresh JVM. */
    public static List<String> javaCommand(String mainClass, List<String> jvmOptions) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        return command;
    }

    /** Starts a command and waits for its first line of output. */
    public static ChildProcess start(String name, List<String> command, Map<String, String> env, Path log, Duration startTimeout)
            throws IOException {
        Process process = spawn(builder(command, env, log));
        CompletableFuture<String> firstLine = new CompletableFuture<>();
        Thread reader = new Thread(() -> copyOutput(process, log, firstLine), "mu-child-" + name);
        reader.setDaemon(true);
        reader.start();
        try {
            String line = firstLine.get(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
            return new ChildProcess(name, process, line);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while " + name + " started", e);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IOException(name + " did not start within " + startTimeout.toSeconds() + " s (" + e.getMessage()
                    + "); its output is in " + log, e);
        }
    }

    /**
     * Starts a program that says nothing when it is ready (nginx, HAProxy): all its output goes to
     * the log, and the caller checks readiness itself.
     */
    public static ChildProcess launch(String name, List<String> command, Map<String, String> env, Path log) throws IOException {
        ProcessBuilder builder = builder(command, env, log).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return new ChildProcess(name, spawn(builder), "");
    }

    /**
     * util-linux's setsid: the child gets a session and process group of its own, so a Ctrl-C in the
     * terminal reaches this process alone, which stops its children in order (the activator drains
     * first). Run from here, setsid execs the program in place: the pid is the program's.
     */
    private static final Path SETSID = Path.of("/usr/bin/setsid");

    /**
     * util-linux's setpriv: the child gets SIGKILL when the thread that started it ends, so a child
     * never outlives this process, even one killed with SIGKILL (as a node's pods go with the node).
     * It execs in place too, and the signal setting survives the exec.
     */
    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");
    /**
     * Linux sends the parent-death signal when the starting <em>thread</em> ends, not the process:
     * children started from a pool thread that retires would be killed with it. So every child is
     * started from this one thread, which lives as long as the JVM.
     */
    private static final ExecutorService SPAWNER = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "mu-child-spawner");
        thread.setDaemon(true);
        return thread;
    });

    /** How long an interrupted caller waits for a start already under way, to stop what it started. */
    private static final long START_WAIT_SECONDS = 10;

    private static Process spawn(ProcessBuilder builder) throws IOException {
        if (Thread.currentThread().isInterrupted()) {
            throw new IOException("interrupted while starting " + builder.command() + ": not started");
        }
        Future<Process> started = SPAWNER.submit(builder::start);
        try {
            Process process = started.get();
            if (Thread.currentThread().isInterrupted()) {
                // a start that finished before get() looked does not see the interrupt: the same outcome
                process.destroyForcibly();
                throw new IOException("interrupted while starting " + builder.command());
            }
            return process;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException("cannot start " + builder.command() + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            // The start cannot be called off once the spawner has taken it (a cancelled Future
            // still runs, its result lost), so wait for it: nobody would own the process, so it goes.
            try {
                started.get(START_WAIT_SECONDS, TimeUnit.SECONDS).destroyForcibly();
            } catch (Exception notStarted) {
                // it failed to start, or is still starting after the wait and dies with this JVM
            }
            Thread.currentThread().interrupt(); // after the wait above, which the flag would cut short
            throw new IOException("interrupted while starting " + builder.command(), e);
        }
    }

    /**
     * {@code command} run so that it gets {@code signal} (e.g. {@code TERM}) when the thread that
     * starts it ends, which for the main thread is when this process ends, however it ends. Where
     * setpriv is missing, the command runs as it is.
     */
    public static List<String> withParentDeathSignal(String signal, List<String> command) {
        List<String> own = new ArrayList<>();
        if (Files.isExecutable(SETPRIV)) {
            own.addAll(List.of(SETPRIV.toString(), "--pdeathsig", signal));
        }
        own.addAll(command);
        return own;
    }

    private static ProcessBuilder builder(List<String> command, Map<String, String> env, Path log) {
        List<String> own = new ArrayList<>();
        if (Files.isExecutable(SETSID)) {
            own.add(SETSID.toString());
        }
        own.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(withParentDeathSignal("KILL", own));
        builder.environment().putAll(env);
        builder.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return builder;
    }

    private static void copyOutput(Process process, Path log, CompletableFuture<String> firstLine) {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                BufferedWriter writer = Files.newBufferedWriter(log, StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            String line;
            while ((line = out.readLine()) != null) {
                firstLine.complete(line);
                writer.write(line);
                writer.newLine();
                writer.flush();
            }
            firstLine.completeExceptionally(new IOException("exited with " + process.waitFor() + " before saying where it listens"));
        } catch (IOException | InterruptedException e) {
            firstLine.completeExceptionally(e);
        }
    }

    public String firstLine() {
        return firstLine;
    }

    /** The n-th port (0-based) named in the first line, as {@code :1234}. */
    public int port(int n) {
        Matcher m = PORT.matcher(firstLine);
        for (int i = 0; i <= n; i++) {
            if (!m.find()) {
                throw new IllegalStateException(name + " named no port " + n + " in: " + firstLine);
            }
        }
        return Integer.parseInt(m.group(1));
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Runs {@code action} once the process has exited, whoever ended it (on a JDK thread). */
    public void onExit(Runnable action) {
        process.onExit().thenRun(action);
    }

    /** How an exited process ended, as a shell says it: {@code exit code 1}, {@code killed by signal 9}. */
    public String exitDescription() {
        if (process.isAlive()) {
            return "still running";
        }
        return describeExit(process.exitValue());
    }

    /** An exit value as a shell says it: {@code exit code 1}, {@code killed by signal 9}. */
    public static String describeExit(int code) {
        return code > 128 ? "killed by signal " + (code - 128) : "exit code " + code;
    }

    /** SIGTERM without waiting, as the kubelet sends it to every container of a pod being deleted at once. */
    public void terminate() {
        process.destroy();
    }

    /** Waits until the process has gone; false if it is still there after {@code timeout}. */
    public boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** SIGKILL: the process dies as a crashed or evicted pod does, with no chance to drain. */
    public void kill() {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        waitFor();
        for (ProcessHandle child : children) {
            try {
                child.onExit().get(10, TimeUnit.SECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // SIGKILL cannot be refused; only a process stuck in the kernel outlives this wait
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * SIGTERM, then SIGKILL if it has not gone within the grace period; its own children (a shell's
     * program, say) get the same, so none is left behind.
     */
    public void stop(Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                kill();
            }
            // a child that outlives its parent is no longer among its descendants: it gets the rest of the grace
            for (ProcessHandle child : children) {
                long left = Math.max(0, deadline - System.nanoTime());
                try {
                    child.onExit().get(left, TimeUnit.NANOSECONDS);
                } catch (TimeoutException | ExecutionException e) {
                    child.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
            children.forEach(ProcessHandle::destroyForcibly);
        }
    }

    private void waitFor() {
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(5));
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }
}
