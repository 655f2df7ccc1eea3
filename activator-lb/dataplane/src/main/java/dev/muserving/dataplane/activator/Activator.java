package dev.muserving.dataplane.activator;

import dev.muserving.api.FunctionKey;
import dev.muserving.api.LatencyHistogram;
import dev.muserving.api.MetricSnapshot;
import dev.muserving.api.PodHeaderState;
import dev.muserving.api.PodMetrics;
import dev.muserving.routing.policy.BalancerPosition;
import dev.muserving.routing.policy.RoutingPolicies;
import dev.muserving.routing.policy.RoutingPolicyFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The activator-lb: the HTTP ingress for invocations. Runs {@code balancers} independent balancers
 * on one port, feeds them the endpoint source's functions and pods, and once a second merges what
 * they counted into one {@link MetricSnapshot} per function for the autoscaler's side of the metric
 * stream. Embeddable (tests, `mu local`) and run on its own by {@link ActivatorMain}.
 */
public final class Activator {

    /** How the 404 for a function that does not exist begins: {@code mu bench --mode cluster} knows the ingress by it. */
    public static final String NO_FUNCTION = "mu: no function";

    private final Vertx vertx;
    private final ActivatorConfig config;
    private final List<Balancer> balancers;
    private final EndpointSource source;
    private final MetricSink sink;
    private final ActivatorMetrics metrics;
    private final Clock clock;
    private final long snapshotTimer;

    private Activator(Vertx vertx, ActivatorConfig config, List<Balancer> balancers, EndpointSource source, MetricSink sink,
            ActivatorMetrics metrics, Clock clock) {
        this.vertx = vertx;
        this.config = config;
        this.balancers = balancers;
        this.source = source;
        this.sink = sink;
        this.metrics = metrics;
        this.clock = clock;
        this.snapshotTimer = vertx.setPeriodic(1_000, id -> publishSnapshots(Duration.ofSeconds(1)));
    }

    /** Ids of random ports shared by one activator's balancers (Vert.x shares a negative port among its servers). */
    private static final AtomicInteger RANDOM_PORT_IDS = new AtomicInteger();

    /** Deploys the balancers, which share one port (a random one when the port is 0), and starts the source. */
    public static Future<Activator> start(Vertx vertx, ActivatorConfig config, EndpointSource source, MetricSink sink,
            DemandSignal demand, MeterRegistry registry, Clock clock) {
        RoutingPolicyFactory routing = RoutingPolicies.byName(config.routing()).orElseThrow();
        ActivatorMetrics metrics = new ActivatorMetrics(registry);
        int port = config.port() == 0 ? -1 - RANDOM_PORT_IDS.getAndIncrement() : config.port();
        List<Balancer> all = new ArrayList<>();
        List<Future<String>> deployed = new ArrayList<>();
        for (int i = 0; i < config.balancers(); i++) {
            Balancer balancer = new Balancer(config, new BalancerPosition(i, config.balancers()), routing, clock, metrics, demand, port);
            all.add(balancer);
            deployed.add(vertx.deployVerticle(balancer));
        }
        return Future.all(deployed).map(done -> {
            Activator activator = new Activator(vertx, config, List.copyOf(all), source, sink, metrics, clock);
            source.start(activator::update);
            return activator;
        });
    }

    public int port() {
        return balancers.get(0).port();
    }

    public ActivatorConfig config() {
        return config;
    }

    private void update(List<FunctionRoute> routes) {
        balancers.forEach(b -> b.update(routes));
    }

    /**
     * Merges the balancers' counts: arrivals, completions and concurrency add up; each pod's state is
     * the freshest any balancer received. A function no longer listed is in them until its last
     * request finished.
     */
    private void publishSnapshots(Duration interval) {
        List<Future<Map<FunctionKey, FunctionLane.Stats>>> parts = new ArrayList<>();
        balancers.forEach(b -> parts.add(b.takeStats()));
        Future.all(parts).onSuccess(all -> {
            Map<FunctionKey, List<FunctionLane.Stats>> byFunction = new LinkedHashMap<>();
            for (Future<Map<FunctionKey, FunctionLane.Stats>> part : parts) {
                part.result().forEach((key, stats) -> byFunction.computeIfAbsent(key, k -> new ArrayList<>()).add(stats));
            }
            byFunction.forEach((key, stats) -> {
                MetricSnapshot snapshot = merge(key, stats, interval);
                metrics.observe(key, snapshot, stats.stream().mapToInt(FunctionLane.Stats::inFlight).sum());
                if (!stats.stream().allMatch(FunctionLane.Stats::removed)) {
                    sink.publish(snapshot); // a removed function's last requests show on /metrics, not to the autoscaler
                }
            });
        });
    }

    private MetricSnapshot merge(FunctionKey key, List<FunctionLane.Stats> stats, Duration interval) {
        long arrivals = 0;
        long completions = 0;
        double concurrencySeconds = 0;
        int held = 0;
        LatencyHistogram latency = LatencyHistogram.EMPTY;
        Map<String, PodHeaderState> freshest = new LinkedHashMap<>();
        for (FunctionLane.Stats part : stats) {
            latency = latency.plus(part.latency());
            arrivals += part.arrivals();
            completions += part.completions();
            concurrencySeconds += part.concurrencySeconds();
            held += part.held();
            for (PodHeaderState pod : part.pods()) {
                freshest.merge(pod.pod(), pod, (a, b) -> b.measuredAtMillis() > a.measuredAtMillis() ? b : a);
            }
        }
        List<PodMetrics> pods = new ArrayList<>(freshest.size());
        freshest.values().forEach(p -> pods.add(new PodMetrics(p.pod(), p.arch(), p.queueLength(), p.serviceRate())));
        return new MetricSnapshot(key.toString(), clock.instant(), interval, arrivals, completions,
                concurrencySeconds / (interval.toNanos() / 1e9), held, pods, latency);
    }

    /**
     * Clean shutdown: every balancer stops taking requests (503 with {@code Connection: close}),
     * lets those in flight or held finish, at most the drain timeout, and closes its socket.
     */
    public Future<Void> drain() {
        vertx.cancelTimer(snapshotTimer);
        source.close();
        List<Future<Void>> drains = new ArrayList<>();
        balancers.forEach(b -> drains.add(b.drain()));
        return Future.all(drains).mapEmpty();
    }
}
