package dev.muserving.local;

import dev.muserving.api.PodPhase;
import dev.muserving.dataplane.ChildProcess;
import dev.muserving.dataplane.activator.Endpoint;
import dev.muserving.dataplane.function.EmulatedFunctionMain;
import dev.muserving.dataplane.queueproxy.QueueProxy;
import dev.muserving.dataplane.queueproxy.QueueProxyConfig;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SortedSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Starts and stops the parts of a pod: the function as a local process (the built-in emulated
 * function in a small JVM, or the Function's own command with {@code PORT} set), then its
 * queue-proxy as a verticle in this JVM. Blocking; the control plane calls it off the event loop.
 * Each function process logs to {@code <logs>/<pod>.log}.
 */
final class PodRunner {

    static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);
    private static final String SERVE_ON_PORT = "; mu local gives each pod its port in $PORT, and the command must serve HTTP there";
    private static final Duration LOOK_ELSEWHERE_EVERY = Duration.ofMillis(500);
    /**
     * How long a command may listen on other ports before {@code $PORT} (an admin port opened
     * first, say) before it is taken to serve elsewhere, which it says at once instead of after
     * {@link #START_TIMEOUT}.
     */
    private static final Duration ELSEWHERE_GRACE = Duration.ofSeconds(3);
    /**
     * The activator runs in this process and drops a pod from its endpoints before the pod stops,
     * so only requests already on their way can reach a stopping pod: a short linger answers them.
     */
    private static final Duration LOCAL_DRAIN_LINGER = Duration.ofMillis(250);

    private final Vertx vertx;
    private final Clock clock;
    private final Path logs;

    PodRunner(Vertx vertx, Clock clock, Path logs) {
        this.vertx = vertx;
        this.clock = clock;
        this.logs = logs;
    }

    /** Starts the pod's function and queue-proxy; on success the pod has its endpoint. */
    void start(LocalPod pod) throws IOException {
        LocalFunction fn = pod.function;
        Path log = logs.resolve(pod.name + ".log");
        int userPort;
        if (fn.launch() instanceof LocalFunction.Emulated emulated) {
            Map<String, String> env = emulatedEnv(pod);
            env.put("MU_SERVICE_MS", millis(emulated.serviceMillis()));
            // the function stretches its CPU part on a slower node; waiting (I/O) stays as it is
            env.put("MU_CPU_MS", millis(emulated.cpuMillis()));
            env.put("MU_NODE_SPEED", Double.toString(pod.node.speed()));
            pod.process = ChildProcess.java(pod.name, EmulatedFunctionMain.class.getName(), ChildProcess.QUICK_START, env, log,
                    START_TIMEOUT);
            userPort = pod.process.port(0);
        } else if (fn.launch() instanceof LocalFunction.Modelled modelled) {
            Map<String, String> env = emulatedEnv(pod);
            LocalFunction.Spread spread = modelled.serviceMillis().get(pod.node.arch());
            env.put("MU_SERVICE_MS", millis(spread.median()));
            env.put("MU_SERVICE_P99_MS", millis(spread.p99()));
            env.put("MU_PARALLELISM", Integer.toString(modelled.parallelism()));
            env.put("MU_SEED", Long.toString(Math.floorMod(modelled.seed() * 31 + pod.name.hashCode(), Integer.MAX_VALUE)));
            pod.process = ChildProcess.java(pod.name, EmulatedFunctionMain.class.getName(), ChildProcess.QUICK_START, env, log,
                    START_TIMEOUT);
            userPort = pod.process.port(0);
        } else {
            LocalFunction.Command command = (LocalFunction.Command) fn.launch();
            userPort = freePort();
            Map<String, String> env = new HashMap<>(fn.env());
            env.put("PORT", Integer.toString(userPort));
            pod.process = ChildProcess.launch(pod.name, command.argv(), env, log);
            awaitListening(pod, userPort, log);
        }
        QueueProxyConfig config = new QueueProxyConfig("127.0.0.1", 0, 0, userPort, fn.spec().containerConcurrency(),
                QueueProxyConfig.defaultQueueDepth(fn.spec().containerConcurrency()), pod.name, pod.node.arch(), fn.timeout(), fn.timeout(),
                LOCAL_DRAIN_LINGER);
        QueueProxy queueProxy = new QueueProxy(config, clock);
        pod.deploymentId = await(vertx.deployVerticle(queueProxy).toCompletionStage().toCompletableFuture(), START_TIMEOUT);
        pod.queueProxy = queueProxy;
        pod.endpoint = new Endpoint(pod.name, "127.0.0.1", queueProxy.port(), pod.node.arch());
        pod.readyAt = Instant.now(clock);
    }

    private static Map<String, String> emulatedEnv(LocalPod pod) {
        Map<String, String> env = new HashMap<>(pod.function.env());
        env.put("PORT", "0");
        env.put("MU_FUNCTION_NAME", pod.function.key().name());
        env.put("MU_NODE_ARCH", pod.node.arch().label()); // every process runs on this machine's CPU, whatever the node is
        return env;
    }

    /**
     * Drains the queue-proxy (requests in the pod finish), then stops the function process. A pod
     * whose function died is drained too: the requests waiting in it are turned away marked not
     * delivered, so the activator sends them on, instead of seeing their connections closed.
     */
    void stop(LocalPod pod) {
        QueueProxy queueProxy = pod.queueProxy;
        if (queueProxy != null) {
            try {
                await(queueProxy.drain().toCompletionStage().toCompletableFuture(), pod.function.timeout().plusSeconds(5));
            } catch (RuntimeException e) {
                // a pod that cannot drain is stopped anyway
            }
        }
        if (pod.deploymentId != null) {
            try {
                await(vertx.undeploy(pod.deploymentId).toCompletionStage().toCompletableFuture(), STOP_GRACE);
            } catch (RuntimeException e) {
                // already gone with its Vert.x instance
            }
        }
        if (pod.process != null) {
            pod.process.stop(STOP_GRACE);
        }
    }

    private static void awaitListening(LocalPod pod, int port, Path log) throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        long nextLook = System.nanoTime();
        long elsewhereSince = Long.MAX_VALUE;
        while (System.nanoTime() < deadline) {
            if (pod.phase == PodPhase.TERMINATING) {
                throw new IOException(pod.name + ": stopped before it was ready"); // its function was removed or changed: no need to wait for the port
            }
            if (!pod.process.isAlive()) {
                throw new IOException(pod.name + ": " + commandLine(pod) + " exited before it listened on port " + port + lastLine(log));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() >= nextLook) {
                    nextLook = System.nanoTime() + LOOK_ELSEWHERE_EVERY.toNanos();
                    SortedSet<Integer> elsewhere = ListeningPorts.of(pod.process.pid());
                    elsewhere.remove(port);
                    if (elsewhere.isEmpty()) {
                        elsewhereSince = Long.MAX_VALUE;
                    } else if (elsewhereSince == Long.MAX_VALUE) {
                        elsewhereSince = System.nanoTime();
                    } else if (System.nanoTime() - elsewhereSince >= ELSEWHERE_GRACE.toNanos()) {
                        throw new IOException(pod.name + ": " + commandLine(pod) + " listens on port "
                                + elsewhere.stream().map(String::valueOf).collect(Collectors.joining(", ")) + ", not on " + port + SERVE_ON_PORT);
                    }
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
        }
        // a command that listens on a port of its own choosing runs on a cluster (its Service names the
        // port) and never answers here: say what mu local expects of it
        throw new IOException(pod.name + ": nothing listened on port " + port + " within " + START_TIMEOUT.toSeconds() + " s" + SERVE_ON_PORT);
    }

    private static String commandLine(LocalPod pod) {
        return String.join(" ", ((LocalFunction.Command) pod.function.launch()).argv());
    }

    /** The end of a process's log, so that why it stopped is said where it is noticed (setsid: failed to execute …). */
    static String lastLine(Path log) {
        try (Stream<String> lines = Files.lines(log)) {
            return lines.filter(line -> !line.isBlank()).reduce((first, second) -> second)
                    .map(line -> "; " + log + " ends: " + (line.length() > 300 ? line.substring(0, 300) + "…" : line))
                    .orElse("; " + log + " is empty");
        } catch (IOException | UncheckedIOException e) {
            return "; its log " + log + " cannot be read";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String millis(double value) {
        return String.format(Locale.ROOT, "%.3f", value);
    }

    private static <T> T await(CompletableFuture<T> future, Duration timeout) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    static Path logsDirectory(Path base) {
        try {
            return Files.createDirectories(base);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
