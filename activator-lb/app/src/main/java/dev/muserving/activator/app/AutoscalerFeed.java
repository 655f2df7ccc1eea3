package dev.muserving.activator.app;

import dev.muserving.api.FunctionSpec;
import dev.muserving.api.MetricSnapshot;
import dev.muserving.api.ReplicaCounts;
import dev.muserving.api.ScalingDecision;
import dev.muserving.autoscaler.loop.ScalingLoop;
import dev.muserving.autoscaler.policy.AutoscalingPolicies;
import dev.muserving.autoscaler.policy.AutoscalingPolicyFactory;
import dev.muserving.dataplane.ConfigException;
import dev.muserving.api.FunctionKey;
import dev.muserving.dataplane.activator.FunctionRoute;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * The autoscaler's side of the metric stream, in-process: every snapshot from the
 * {@value MetricStream#CHANNEL} channel feeds the function's autoscaling policy, which decides every
 * tick and at once when a request waits for a function with no pod. With no cluster to act on yet,
 * decisions are exported ({@code mu_autoscaler_desired_replicas}) and logged with their reason when
 * they change; `mu local` and the controller hand them to placement instead.
 *
 * <p>The endpoints file carries a function's concurrency limit only; its other settings are the
 * Function resource's defaults ({@code FunctionSpec.withDefaults}) until specs come from Function resources.
 */
@ApplicationScoped
public class AutoscalerFeed {

    private static final Logger LOG = Logger.getLogger(AutoscalerFeed.class);

    @Inject
    ActivatorSettings settings;

    @Inject
    PrometheusMeterRegistry registry;

    @Inject
    Vertx vertx;

    /** Replaced whole on every change, so a snapshot never meets a half-updated map. */
    private volatile Map<String, FunctionRoute> routes = Map.of();
    private final Map<String, double[]> desired = new ConcurrentHashMap<>();
    private final Map<String, String> lastReason = new ConcurrentHashMap<>();
    private final Clock clock = Clock.systemUTC();
    private volatile ScalingLoop loop;

    void start() {
        loop = new ScalingLoop(policies(settings.autoscaler()), this::spec, this::replicas, this::decided);
        vertx.setPeriodic(settings.autoscalerTick().toMillis(), id -> loop.tick(clock.instant()));
    }

    @Incoming(MetricStream.CHANNEL)
    public void onSnapshot(MetricSnapshot snapshot) {
        ScalingLoop current = loop;
        if (current != null) {
            current.record(snapshot);
        }
    }

    /** The activator's functions and pods changed. */
    void routes(List<FunctionRoute> current) {
        routes = current.stream().collect(Collectors.toUnmodifiableMap(r -> r.key().toString(), r -> r));
    }

    /** A request waits for a function with no ready pod. */
    void demand(FunctionKey function) {
        ScalingLoop current = loop;
        if (current != null) {
            current.demand(function.toString(), clock.instant());
        }
    }

    public ScalingLoop loop() {
        return loop;
    }

    private Optional<FunctionSpec> spec(String function) {
        return Optional.ofNullable(routes.get(function)).map(FunctionRoute::spec);
    }

    private ReplicaCounts replicas(String function) {
        FunctionRoute route = routes.get(function);
        return new ReplicaCounts(route == null ? 0 : route.endpoints().size(), 0, 0);
    }

    private void decided(String function, ScalingDecision decision, Instant at) {
        desired.computeIfAbsent(function, f -> {
            double[] value = new double[1];
            int slash = f.indexOf('/');
            Gauge.builder("mu.autoscaler.desired.replicas", value, v -> v[0])
                    .description("Replicas the in-process autoscaler wants for the function")
                    .tags(Tags.of("namespace", f.substring(0, slash), "function", f.substring(slash + 1)))
                    .register(registry);
            return value;
        })[0] = decision.desiredReplicas();
        if (!decision.reason().equals(lastReason.put(function, decision.reason()))) {
            LOG.infof("%s: %s", function, decision.reason());
        }
    }

    private static AutoscalingPolicyFactory policies(String name) {
        return AutoscalingPolicies.byName(name).orElseThrow(() ->
                new ConfigException("mu.autoscaler must be one of " + AutoscalingPolicies.names() + ", got '" + name + "'"));
    }
}
