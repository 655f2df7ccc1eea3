package dev.muserving.local;

import dev.muserving.api.ClusterSnapshot;
import dev.muserving.api.FunctionDemand;
import dev.muserving.api.FunctionKey;
import dev.muserving.api.FunctionSpec;
import dev.muserving.api.MetricSnapshot;
import dev.muserving.api.NodeInfo;
import dev.muserving.api.PodPhase;
import dev.muserving.api.ReplicaCounts;
import dev.muserving.api.ScalingDecision;
import dev.muserving.autoscaler.loop.ScalingLoop;
import dev.muserving.autoscaler.policy.AutoscalingPolicies;
import dev.muserving.autoscaler.policy.AutoscalingPolicyFactory;
import dev.muserving.dataplane.activator.Endpoint;
import dev.muserving.dataplane.activator.FunctionRoute;
import dev.muserving.dataplane.activator.StaticEndpointSource;
import dev.muserving.placement.policy.PlacementPlan;
import dev.muserving.placement.policy.PlacementPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The controller of {@code mu local}, the same adapter work the operator and the simulator do:
 * metric snapshots feed the autoscaler ({@link ScalingLoop}), every tick its decisions go to
 * placement with the emulated nodes, and the plan is carried out by starting and stopping pods as
 * local processes. Every decision runs on one control thread, so no two plans overlap; starting and
 * stopping pods (slow: a JVM starts, a pod drains) runs beside it and reports back to that thread.
 */
final class LocalControlPlane implements AutoCloseable {

    static final Duration TICK = Duration.ofSeconds(2);
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(2);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(60);
    /** A pod whose process exits sooner than this after it was ready is crash-looping: it is replaced after a backoff. */
    static final Duration STEADY = Duration.ofSeconds(30);

    private final List<LocalNode> nodes;
    private final Map<String, LocalNode> nodesByName = new HashMap<>();
    private final PlacementPolicy placement;
    private final ScalingLoop scaling;
    private final PodRunner runner;
    private final StaticEndpointSource endpoints;
    private final Clock clock;
    private final Consumer<String> log;
    private final ScheduledExecutorService control = Executors.newSingleThreadScheduledExecutor(r -> thread(r, "mu-local-control"));
    private final ExecutorService podWork = Executors.newFixedThreadPool(4, r -> thread(r, "mu-local-pods"));
    /** On close, every pod together gets this long to drain and stop; what is left then is killed. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(30);
    private static final int MAX_STOPS_AT_ONCE = 64;

    // Everything below is touched on the control thread only, except where the field says otherwise.
    /** Changed on the control thread only; the scaling loop also looks one up from the activator's threads. */
    private final Map<String, LocalFunction> functions = Collections.synchronizedMap(new LinkedHashMap<>());
    /**
     * The policies each function's annotations choose now, and the count a function whose autoscaling
     * policy changed resumes at; both also read by the scaling loop from the activator's threads. A
     * policy-only change keeps the running {@link LocalFunction} (its pods are matched to it by
     * identity), so its own {@code policies()} are those it started with; this map is what applies.
     */
    private final Map<String, LocalFunction.Policies> policies = new ConcurrentHashMap<>();
    private final Map<String, Integer> resumeAt = new ConcurrentHashMap<>();
    private final Map<String, ScalingDecision> targets = new HashMap<>();
    private final Map<String, Integer> unplaced = new HashMap<>();
    private final Map<String, Backoff> backoffs = new HashMap<>();
    /** Read by the status view from other threads. */
    private final Map<String, LocalPod> pods = new ConcurrentHashMap<>();
    private final RecentRates rates = new RecentRates();
    /** Pods started per function, which also numbers them; read by the bench from other threads. */
    private final Map<String, Integer> sequence = new ConcurrentHashMap<>();
    private boolean closed;

    /** After a pod of a function failed to start, no new one before {@code until}. */
    private record Backoff(Instant until, Duration next) {}

    LocalControlPlane(List<LocalNode> nodes, PlacementPolicy placement, AutoscalingPolicyFactory autoscalers, PodRunner runner,
            StaticEndpointSource endpoints, Clock clock, Consumer<String> log) {
        this.nodes = List.copyOf(nodes);
        nodes.forEach(n -> nodesByName.put(n.name(), n));
        this.placement = placement;
        this.runner = runner;
        this.endpoints = endpoints;
        this.clock = clock;
        this.log = log;
        this.scaling = new ScalingLoop(spec -> autoscalerOf(spec.name(), autoscalers).create(spec),
                name -> Optional.ofNullable(functions.get(name)).map(fn -> startingFrom(name, fn.spec())),
                this::replicas, (function, decision, at) -> targets.put(function, decision));
    }

    void startTicking() {
        control.scheduleWithFixedDelay(() -> guarded(this::tick), TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The Functions to run now: new ones start at their initial scale, changed ones are replaced, missing ones go. */
    void apply(List<LocalFunction> wanted) {
        onControl(() -> {
            Map<String, LocalFunction> next = new LinkedHashMap<>();
            wanted.forEach(fn -> next.put(fn.spec().name(), fn));
            for (String name : List.copyOf(functions.keySet())) {
                LocalFunction current = functions.get(name);
                if (!current.runsLike(next.get(name))) {
                    log.accept(name + (next.containsKey(name) ? ": changed, replacing its pods" : ": removed"));
                    remove(name);
                } else if (!next.get(name).policies().equals(policies.get(name))) {
                    // as on a cluster: a fresh policy from the count the old one reached, the pods kept
                    ScalingDecision target = targets.get(name);
                    if (target != null) {
                        resumeAt.put(name, target.desiredReplicas());
                    }
                    policies.put(name, next.get(name).policies());
                    scaling.forget(name);
                    log.accept(name + ": now " + next.get(name).policies());
                }
            }
            next.forEach((name, fn) -> {
                if (!functions.containsKey(name)) {
                    if (nodes.stream().noneMatch(node -> node.info().couldHold(fn.spec()))) {
                        log.accept(name + " (" + NodeInfo.asks(fn.spec()) + ") fits no emulated node (--nodes, --node-cpu, "
                                + "--node-memory-mib): no pod of it can start, so its requests wait and time out");
                    }
                    functions.put(name, fn);
                    policies.put(name, fn.policies());
                    if (!fn.policies().equals(LocalFunction.Policies.SYSTEM)) {
                        log.accept(name + ": " + fn.policies() + " (its annotations)");
                    }
                    int initial = fn.spec().startingReplicas();
                    targets.put(name, new ScalingDecision(initial, initial, "initial scale " + initial));
                }
            });
            // the activator-lb must know a function before its first pod: at zero, requests wait there for one
            publish();
            reconcile();
        });
    }

    /** The activator's per-second snapshots (from a Vert.x thread; the loop is synchronized). */
    void record(MetricSnapshot snapshot) {
        scaling.record(snapshot);
        rates.record(snapshot);
    }

    double rps(String function) {
        return rates.perSecond(function, Instant.now(clock));
    }

    /** A request waits for a function without a ready pod: decide at once. */
    void demand(FunctionKey function) {
        onControl(() -> {
            scaling.demand(function.toString(), Instant.now(clock));
            reconcile();
        });
    }

    /** The functions running now, read from any thread. */
    List<LocalFunction> functions() {
        try {
            return control.submit(() -> List.copyOf(functions.values())).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            return List.of();
        }
    }

    /** What the status view shows, read from any thread. */
    List<LocalPod> pods() {
        return List.copyOf(pods.values());
    }

    /** Pods of the function started so far (its pod sequence), read from any thread. */
    int podsStarted(String function) {
        return sequence.getOrDefault(function, 0);
    }

    Optional<ScalingDecision> lastDecision(String function) {
        return scaling.lastDecision(function);
    }

    private void tick() {
        scaling.tick(Instant.now(clock));
        reconcile();
    }

    private void reconcile() {
        if (closed) {
            return;
        }
        Instant now = Instant.now(clock);
        List<FunctionDemand> demands = new ArrayList<>();
        for (LocalFunction fn : functions.values()) {
            ScalingDecision target = targets.get(fn.spec().name());
            Backoff backoff = backoffs.get(fn.spec().name());
            if (backoff != null && !now.isBefore(backoff.until()) && hasSteadyPod(fn, now)) {
                backoffs.remove(fn.spec().name());
                backoff = null;
            }
            if (backoff != null && now.isBefore(backoff.until())) {
                int alive = (int) pods.values().stream().filter(p -> p.function == fn && p.phase != PodPhase.TERMINATING).count();
                int keep = Math.min(alive, target.desiredReplicas());
                demands.add(new FunctionDemand(fn.spec(), keep, Math.min(keep, target.requiredReplicas()), scaling.serviceRates(fn.spec().name())));
            } else {
                demands.add(new FunctionDemand(fn.spec(), target.desiredReplicas(), target.requiredReplicas(),
                        scaling.serviceRates(fn.spec().name())));
            }
        }
        List<NodeInfo> nodeInfos = nodes.stream().map(LocalNode::info).toList();
        PlacementPlan plan = placement.plan(new ClusterSnapshot(nodeInfos, pods.values().stream().map(LocalPod::placement).toList()),
                demands, now);
        plan.stops().forEach(name -> Optional.ofNullable(pods.get(name)).ifPresent(pod -> {
            log.accept(pod.name + ": stopping (" + whyStopped(pod) + ")");
            stop(pod);
        }));
        for (PlacementPlan.PodStart start : plan.starts()) {
            LocalFunction fn = functions.get(start.function());
            LocalNode node = nodesByName.get(start.node());
            if (fn != null && node != null) {
                start(fn, node, now);
            }
        }
        unplaced.clear();
        unplaced.putAll(plan.unplaced());
    }

    /** Said when placement stops a pod: the function scales down, or another function gets its room. */
    private String whyStopped(LocalPod pod) {
        ScalingDecision target = targets.get(pod.functionName());
        long alive = pods.values().stream().filter(p -> p.function == pod.function && p.phase != PodPhase.TERMINATING).count();
        if (target == null || alive <= target.desiredReplicas()) {
            return "its room goes to another function under the fair share";
        }
        return pod.functionName() + " scales down to " + target.desiredReplicas()
                + (target.desiredReplicas() == 0 ? ": " + target.reason() : "");
    }

    private void start(LocalFunction fn, LocalNode node, Instant now) {
        int n = sequence.merge(fn.spec().name(), 1, Integer::sum);
        LocalPod pod = new LocalPod(fn.key().name() + "-" + node.arch().label() + "-" + n, fn, node, now);
        pods.put(pod.name, pod);
        podWork.execute(() -> {
            try {
                runner.start(pod);
            } catch (Exception e) {
                runner.stop(pod);
                onControl(() -> {
                    pods.remove(pod.name);
                    if (pod.phase == PodPhase.TERMINATING) {
                        log.accept(pod.name + ": stopped before it was ready");
                    } else {
                        log.accept(pod.name + ": could not start: " + e.getMessage() + " (next try in " + backOff(fn).toSeconds() + " s)");
                    }
                });
                return;
            }
            onControl(() -> {
                if (pod.phase != PodPhase.STARTING || closed) {
                    podWork.execute(() -> stopAndForget(pod)); // stopped while it started
                    return;
                }
                pod.phase = PodPhase.READY;
                log.accept(pod + ": ready");
                publish();
                // out of the balancers the moment its process dies, not at the next tick
                pod.process.onExit(() -> onControl(() -> crashed(pod)));
            });
        });
    }

    /** A ready pod's process exited on its own (crashed, or killed): replace it at once. */
    private void crashed(LocalPod pod) {
        if (pod.phase != PodPhase.READY || closed) {
            return; // stopped on purpose
        }
        Duration up = pod.readyAt == null ? Duration.ZERO : Duration.between(pod.readyAt, Instant.now(clock));
        if (up.compareTo(STEADY) >= 0) {
            backoffs.remove(pod.functionName()); // it ran steadily: this is no crash loop
            log.accept(pod.name + ": the function process exited (" + pod.process.exitDescription() + "); replacing it");
        } else if (!backoffs.containsKey(pod.functionName())) {
            backoffs.put(pod.functionName(), new Backoff(Instant.now(clock), FIRST_BACKOFF)); // the first restart is at once, as the kubelet's
            log.accept(pod.name + ": the function process exited (" + pod.process.exitDescription() + ") " + up.toSeconds()
                    + " s after it was ready; replacing it (if it does that again, after a backoff)");
        } else {
            // as Kubernetes' CrashLoopBackOff: a process that dies soon after it is ready is not restarted at once, forever
            log.accept(pod.name + ": the function process exited (" + pod.process.exitDescription() + ") " + up.toSeconds()
                    + " s after it was ready; replacing it in " + backOff(pod.function).toSeconds() + " s");
        }
        pod.phase = PodPhase.TERMINATING;
        publish();
        podWork.execute(() -> {
            runner.stop(pod);
            onControl(() -> {
                pods.remove(pod.name);
                reconcile();
            });
        });
    }

    /**
     * Out of the balancers first, then drained and stopped beside the control thread. A pod still
     * starting is stopped by its start once that finishes.
     */
    private void stop(LocalPod pod) {
        PodPhase was = pod.phase;
        if (was == PodPhase.TERMINATING) {
            return;
        }
        pod.phase = PodPhase.TERMINATING;
        if (was == PodPhase.READY) {
            publish();
            podWork.execute(() -> stopAndForget(pod));
        }
    }

    /** Beside the control thread: stops the pod's parts, then drops it from the table. */
    private void stopAndForget(LocalPod pod) {
        runner.stop(pod);
        onControl(() -> pods.remove(pod.name));
    }

    /**
     * Holds the function's pod count where it is for a while after a pod failed to start or crashed
     * soon after it was ready; the wait doubles with each failure up to a minute, and starts again
     * at 2 s once a pod has stayed up for {@link #STEADY}.
     */
    private Duration backOff(LocalFunction fn) {
        Backoff previous = backoffs.get(fn.spec().name());
        Duration wait = previous == null ? FIRST_BACKOFF : previous.next();
        Duration after = wait.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait.multipliedBy(2);
        backoffs.put(fn.spec().name(), new Backoff(Instant.now(clock).plus(wait), after));
        return wait;
    }

    private boolean hasSteadyPod(LocalFunction fn, Instant now) {
        return pods.values().stream().anyMatch(p -> p.function == fn && p.phase == PodPhase.READY && p.readyAt != null
                && Duration.between(p.readyAt, now).compareTo(STEADY) >= 0);
    }

    /** Runs on the control thread; once closed, the pods are close()'s to stop. */
    private void onControl(Runnable action) {
        try {
            control.execute(() -> guarded(action));
        } catch (RejectedExecutionException closing) {
            // close() stops every pod left in the table
        }
    }

    private void remove(String function) {
        functions.remove(function);
        policies.remove(function);
        resumeAt.remove(function);
        targets.remove(function);
        backoffs.remove(function);
        scaling.forget(function);
        pods.values().stream().filter(p -> p.functionName().equals(function)).forEach(this::stop);
        publish();
    }

    private ReplicaCounts replicas(String function) {
        int ready = 0;
        int starting = 0;
        ReplicaCounts.StartupTimes startup = new ReplicaCounts.StartupTimes();
        for (LocalPod pod : pods.values()) {
            if (pod.functionName().equals(function)) {
                if (pod.phase == PodPhase.READY) {
                    ready++;
                    startup.add(pod.createdAt, pod.readyAt);
                } else if (pod.phase == PodPhase.STARTING) {
                    starting++;
                }
            }
        }
        return new ReplicaCounts(ready, starting, unplaced.getOrDefault(function, 0), startup.mean());
    }

    /** The autoscaler a function's annotation chose (checked when its file was read), else {@code --system}'s. */
    private AutoscalingPolicyFactory autoscalerOf(String function, AutoscalingPolicyFactory system) {
        return Optional.ofNullable(policies.get(function)).flatMap(LocalFunction.Policies::autoscaling)
                .map(name -> AutoscalingPolicies.byName(name).orElseThrow()).orElse(system);
    }

    private FunctionSpec startingFrom(String function, FunctionSpec spec) {
        Integer resumed = resumeAt.remove(function);
        return resumed == null ? spec : spec.withInitialScale(resumed); // min and max still apply over it
    }

    /** The activator's view: every function, with its ready pods. */
    private void publish() {
        List<FunctionRoute> routes = new ArrayList<>();
        for (LocalFunction fn : functions.values()) {
            List<Endpoint> ready = pods.values().stream()
                    .filter(p -> p.function == fn && p.phase == PodPhase.READY && p.endpoint != null)
                    .map(p -> p.endpoint).toList();
            routes.add(new FunctionRoute(fn.key(), fn.spec(), fn.timeout(), ready,
                    policies.getOrDefault(fn.spec().name(), LocalFunction.Policies.SYSTEM).routing()));
        }
        endpoints.set(routes);
    }

    /** Stops every pod and waits for them (Ctrl-C leaves no process behind). */
    @Override
    public void close() {
        try {
            control.submit(() -> {
                closed = true;
                functions.clear();
                publish();
            }).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.accept("shutdown: " + e);
        }
        control.shutdownNow();
        // Starts under way are interrupted first: stops queued behind them on the pod threads each waited out
        // 30 s in turn, and a folder of 51 functions whose pods never got ready took minutes to stop (an outside probe).
        podWork.shutdownNow();
        ExecutorService stoppers = Executors.newFixedThreadPool(Math.max(1, Math.min(pods.size(), MAX_STOPS_AT_ONCE)),
                r -> thread(r, "mu-local-stop"));
        List<Future<?>> stopping = new ArrayList<>();
        pods.values().forEach(pod -> stopping.add(stoppers.submit(() -> runner.stop(pod))));
        long deadline = System.nanoTime() + STOP_WAIT.toNanos();
        int late = 0;
        for (Future<?> f : stopping) {
            try {
                f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                late++;
            } catch (Exception e) {
                log.accept("shutdown: " + e);
            }
        }
        if (late > 0) {
            log.accept("shutdown: " + late + " pod(s) still stopping after " + STOP_WAIT.toSeconds() + " s; killed");
        }
        stoppers.shutdownNow();
        try {
            podWork.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // a pod that was still starting has its process by now, or never will
        pods.values().forEach(pod -> {
            if (pod.process != null && pod.process.isAlive()) {
                pod.process.kill();
            }
        });
        pods.clear();
    }

    private void guarded(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            log.accept("control loop: " + e);
        }
    }

    private static Thread thread(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
