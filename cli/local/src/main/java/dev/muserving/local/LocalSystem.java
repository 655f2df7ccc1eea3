package dev.muserving.local;

import dev.muserving.api.Arch;
import dev.muserving.api.BadInputException;
import dev.muserving.api.PodPhase;
import dev.muserving.api.ScalingDecision;
import dev.muserving.dataplane.AdminEndpoints;
import dev.muserving.dataplane.CannotListen;
import dev.muserving.dataplane.ServerVertx;
import dev.muserving.dataplane.activator.Activator;
import dev.muserving.dataplane.activator.ActivatorConfig;
import dev.muserving.dataplane.activator.StaticEndpointSource;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The whole system in one JVM: the activator-lb on one port, Mu's autoscaler and placement over
 * emulated nodes, and pods as local processes behind in-JVM queue-proxies. Closing it drains the
 * activator and stops every process it started.
 */
public final class LocalSystem implements AutoCloseable {

    private final Vertx vertx;
    private final Activator activator;
    private final LocalControlPlane controlPlane;
    private final PrometheusMeterRegistry registry;
    private final HttpServer metrics;
    private final WindowedP99 p99 = new WindowedP99();

    private LocalSystem(Vertx vertx, Activator activator, LocalControlPlane controlPlane, PrometheusMeterRegistry registry,
            HttpServer metrics) {
        this.vertx = vertx;
        this.activator = activator;
        this.controlPlane = controlPlane;
        this.registry = registry;
        this.metrics = metrics;
    }

    /**
     * @param address where the activator listens ({@code 127.0.0.1} keeps it on this machine)
     * @param port 0 for any free one
     * @param metricsPort where {@code /metrics} answers; 0 for any free one
     * @param logs where each pod's process writes its output
     */
    public static LocalSystem start(String address, int port, int metricsPort, List<LocalNode> nodes, Path logs, List<LocalFunction> functions,
            Consumer<String> log) throws Exception {
        return start(LocalPolicies.mu(), address, port, metricsPort, nodes, logs, functions, log);
    }

    /** @param policies Mu's, or Knative's defaults */
    public static LocalSystem start(LocalPolicies policies, String address, int port, int metricsPort, List<LocalNode> nodes, Path logs,
            List<LocalFunction> functions, Consumer<String> log) throws Exception {
        if (port != 0 && port == metricsPort) {
            // two servers of one Vert.x instance on one port share its socket and take turns at connections
            throw new BadInputException("--port and --metrics-port are both " + port + ": give them different ports (or 0 for any free one)");
        }
        Clock clock = Clock.systemUTC();
        Vertx vertx = Vertx.vertx(ServerVertx.options());
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        StaticEndpointSource endpoints = new StaticEndpointSource(List.of());
        LocalControlPlane controlPlane = new LocalControlPlane(nodes, policies.placement(), policies.autoscaler(),
                new PodRunner(vertx, clock, PodRunner.logsDirectory(logs)), endpoints, clock, log);
        ActivatorConfig config = ActivatorConfig.fromEnvironment(Map.of(
                ActivatorConfig.BIND_ADDRESS, address, ActivatorConfig.PORT, Integer.toString(port), ActivatorConfig.ROUTING, policies.routing()));
        Activator activator;
        HttpServer metrics;
        try {
            activator = listening(Activator.start(vertx, config, endpoints, controlPlane::record, controlPlane::demand, registry, clock),
                    address, port, "--port");
            metrics = listening(AdminEndpoints.serve(vertx, address, metricsPort, "mu local", registry::scrape),
                    address, metricsPort, "--metrics-port");
        } catch (Exception e) {
            controlPlane.close();
            vertx.close();
            throw e;
        }
        controlPlane.apply(functions);
        controlPlane.startTicking();
        return new LocalSystem(vertx, activator, controlPlane, registry, metrics);
    }

    /** Waits for a server to listen; a port in use is bad input that names the option that chose it. */
    private static <T> T listening(Future<T> started, String address, int port, String option) throws Exception {
        try {
            return started.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new BadInputException(CannotListen.why(e.getCause(), "--address " + address, option + " " + port).orElseThrow(() -> e),
                    e.getCause());
        }
    }

    public int port() {
        return activator.port();
    }

    public int metricsPort() {
        return metrics.actualPort();
    }

    /** Replaces the set of Functions: new ones start, changed ones are replaced, missing ones stop. */
    public void apply(List<LocalFunction> functions) {
        controlPlane.apply(functions);
    }

    List<LocalPod> pods() {
        return controlPlane.pods();
    }

    /** Each function's pods by phase, for the status view and tests: {@code ns/name -> "2 ready, 1 starting"}. */
    public Map<String, PodCounts> podCounts() {
        Map<String, PodCounts> counts = new TreeMap<>();
        for (LocalPod pod : controlPlane.pods()) {
            counts.merge(pod.functionName(), PodCounts.of(pod), PodCounts::plus);
        }
        return counts;
    }

    /** One line per function for the status view; p99 covers the time since the previous call. */
    public List<FunctionStatus> status() {
        List<LocalPod> pods = controlPlane.pods();
        List<FunctionStatus> lines = new ArrayList<>();
        for (LocalFunction fn : controlPlane.functions()) {
            String name = fn.spec().name();
            Map<Arch, Integer> ready = new EnumMap<>(Arch.class);
            int starting = 0;
            for (LocalPod pod : pods) {
                if (pod.function.key().equals(fn.key())) {
                    if (pod.phase == PodPhase.READY) {
                        ready.merge(pod.node.arch(), 1, Integer::sum);
                    } else if (pod.phase == PodPhase.STARTING) {
                        starting++;
                    }
                }
            }
            Optional<ScalingDecision> decision = controlPlane.lastDecision(name);
            Timer latency = registry.find("mu.request.duration")
                    .tags("namespace", fn.key().namespace(), "function", fn.key().name()).timer();
            lines.add(new FunctionStatus(name, ready, starting, decision.map(ScalingDecision::desiredReplicas).orElse(fn.spec().startingReplicas()),
                    controlPlane.rps(name), p99.millis(name, latency), fn.spec().sloP99Ms(),
                    decision.map(ScalingDecision::reason).orElse("initial scale " + fn.spec().startingReplicas())));
        }
        return lines;
    }

    /** How many pods of the function were started so far. */
    public int podsStarted(String function) {
        return controlPlane.podsStarted(function);
    }

    /** The pids of every function process running now. */
    public List<Long> processIds() {
        return controlPlane.pods().stream().filter(p -> p.process != null && p.process.isAlive()).map(p -> p.process.pid()).toList();
    }

    @Override
    public void close() {
        try {
            activator.drain().toCompletionStage().toCompletableFuture().get(activator.config().drainTimeout().toSeconds() + 5,
                    TimeUnit.SECONDS);
        } catch (Exception e) {
            // stopping anyway: the pods must not outlive us
        }
        controlPlane.close();
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // nothing left to serve
        }
    }

    /** A function's pods by phase. */
    public record PodCounts(int ready, int starting, int terminating) {

        static PodCounts of(LocalPod pod) {
            return switch (pod.phase) {
                case READY -> new PodCounts(1, 0, 0);
                case STARTING -> new PodCounts(0, 1, 0);
                case TERMINATING -> new PodCounts(0, 0, 1);
            };
        }

        PodCounts plus(PodCounts other) {
            return new PodCounts(ready + other.ready, starting + other.starting, terminating + other.terminating);
        }
    }
}
