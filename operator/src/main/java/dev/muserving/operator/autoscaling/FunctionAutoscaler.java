package dev.muserving.operator.autoscaling;

import dev.muserving.api.FunctionKey;
import dev.muserving.api.FunctionSpec;
import dev.muserving.api.LatencyHistogram;
import dev.muserving.api.MetricSnapshot;
import dev.muserving.api.ReplicaCounts;
import dev.muserving.api.ScalingDecision;
import dev.muserving.api.v1alpha1.Function;
import dev.muserving.api.v1alpha1.FunctionResourceStatus;
import dev.muserving.api.v1alpha1.FunctionNames;
import dev.muserving.api.v1alpha1.FunctionMapping;
import dev.muserving.api.v1alpha1.FunctionValidation;
import dev.muserving.api.v1alpha1.ResolvedFunction;
import dev.muserving.autoscaler.loop.ScalingLoop;
import dev.muserving.autoscaler.policy.AutoscalingPolicies;
import dev.muserving.autoscaler.policy.AutoscalingPolicyFactory;
import dev.muserving.operator.model.DesiredReplicas;
import dev.muserving.operator.model.PlacementDemand;
import dev.muserving.operator.model.Serving;
import dev.muserving.operator.model.SpecReplicas;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The autoscaler loop in the controller: {@link ScalingLoop} fed by the activator-lbs' merged
 * snapshots and demand, each Function under the policy its annotation names (the controller's
 * default otherwise). What it decides is what placement is asked for ({@link DesiredReplicas});
 * when a decision changes the count, placement is told at once. A Function whose spec or policy
 * changes gets a fresh policy, so new settings apply without a restart. The host calls
 * {@link #tick} on its timer; time comes in as an argument. Thread-safe.
 */
public final class FunctionAutoscaler implements DesiredReplicas, Serving.Source {

    /** How far back the p99 of {@link #serving} looks (Knative's stable window is as long). */
    static final Duration LATENCY_WINDOW = Duration.ofSeconds(60);

    /** Ends the reason of a count taken from the spec because the autoscaler has not ticked for the function yet. */
    public static final String UNDECIDED = "(the autoscaler has not decided yet)";

    private record Measured(Instant at, LatencyHistogram latency) {}

    /** What a function's policy was made from: a change to either makes a new one. */
    /** @param uid which object: one deleted and made again under its name starts afresh, as a new Knative revision does */
    private record Known(FunctionSpec spec, String policy, String uid) {

        boolean sameSettings(Known other) {
            return other != null && spec.equals(other.spec) && policy.equals(other.policy);
        }
    }

    private final String defaultPolicy;
    private final Supplier<Collection<Function>> functions;
    private final java.util.function.Function<FunctionKey, ReplicaCounts> replicas;
    private final Runnable countChanged;
    private final Consumer<String> told;
    private final Map<String, Known> known = new ConcurrentHashMap<>();
    /** Each function's latest decision. */
    private final Map<String, ScalingDecision> decided = new ConcurrentHashMap<>();
    /** The decision that last changed each function's count: what the status says and why. */
    private final Map<String, ScalingDecision> changed = new ConcurrentHashMap<>();
    private final SpecReplicas beforeAnyDecision = new SpecReplicas();
    /**
     * The replicas a function that already ran had when its policy was (re)made here: after a
     * controller restart, the count its status kept; after a change of its spec or policy, the count
     * decided before it. The new policy starts from them, as Knative keeps a revision's scale while
     * its autoscaler has no data: initial scale is for a new function only. Without it, a restart
     * started a pod for every function at zero.
     */
    private final Map<String, Integer> resumeAt = new ConcurrentHashMap<>();
    private final Map<String, Deque<Measured>> latencies = new ConcurrentHashMap<>();
    /** Each function's last SLO verdict (within, missed, unmeasured): a change is told to {@link #onStatusChange}. */
    private final Map<String, String> verdicts = new ConcurrentHashMap<>();
    private volatile Consumer<FunctionKey> statusChanged = key -> { };
    private volatile Consumer<FunctionKey> removed = key -> { };
    /** The last tick's time: the end of the latency window. */
    private volatile Instant lastTick = Instant.EPOCH;
    private final ScalingLoop loop;

    /**
     * @param defaultPolicy the policy of Functions without the annotation ({@code mu}, {@code knative}, …)
     * @param functions the Functions there are now (the scheduler's informer)
     * @param replicas a Function's pods by phase now
     * @param countChanged told when a decision changes a Function's count (placement runs again)
     * @param told one line when a Function's policy is made, with the settings it is made from
     */
    public FunctionAutoscaler(String defaultPolicy, Supplier<Collection<Function>> functions,
            java.util.function.Function<FunctionKey, ReplicaCounts> replicas, Runnable countChanged, Consumer<String> told) {
        factory(defaultPolicy);
        this.defaultPolicy = defaultPolicy;
        this.functions = functions;
        this.replicas = replicas;
        this.countChanged = countChanged;
        this.told = told;
        this.loop = new ScalingLoop(spec -> factory(known.get(spec.name()).policy()).create(spec),
                name -> Optional.ofNullable(known.get(name)).map(k -> startingFrom(name, k.spec())),
                name -> replicas.apply(FunctionKey.parse(name)), this::scaled);
    }

    /** @throws IllegalArgumentException naming the policies there are */
    public static AutoscalingPolicyFactory factory(String name) {
        return AutoscalingPolicies.byName(name).orElseThrow(() -> new IllegalArgumentException(
                "unknown autoscaling policy '" + name + "'; one of " + String.join(", ", AutoscalingPolicies.names())));
    }

    /** One merged snapshot of the activator-lbs. */
    public void record(MetricSnapshot snapshot) {
        if (!known.containsKey(snapshot.function())) {
            refresh();
        }
        loop.record(snapshot);
        if (snapshot.latency().count() > 0 && known.containsKey(snapshot.function())) {
            Deque<Measured> window = latencies.computeIfAbsent(snapshot.function(), f -> new ArrayDeque<>());
            synchronized (window) {
                window.addLast(new Measured(snapshot.at(), snapshot.latency()));
            }
        }
    }

    /**
     * Told when what a function's status shows from here changes: its count and the reason for it,
     * or its SLO verdict. (A new count also reaches placement, but placement may already have given
     * the same pods for another reason, and then its allocation does not change.)
     */
    public void onStatusChange(Consumer<FunctionKey> listener) {
        this.statusChanged = listener;
    }

    /** Told when a Function is gone (deleted, or holding what cannot be acted on): what was kept for it can go too. */
    public void onRemoved(Consumer<FunctionKey> listener) {
        this.removed = listener;
    }

    /** The function's service rates as last measured, and its p99 over the last {@link #LATENCY_WINDOW}. */
    @Override
    public Serving serving(FunctionKey function) {
        String key = function.toString();
        LatencyHistogram sum = LatencyHistogram.EMPTY;
        Deque<Measured> window = latencies.get(key);
        if (window != null) {
            synchronized (window) {
                Instant since = lastTick.minus(LATENCY_WINDOW);
                while (!window.isEmpty() && !window.peekFirst().at().isAfter(since)) {
                    window.removeFirst();
                }
                for (Measured measured : window) {
                    sum = sum.plus(measured.latency());
                }
            }
        }
        return new Serving(loop.serviceRates(key), sum.quantile(0.99), sum.count(), LATENCY_WINDOW);
    }

    /** A request waits in an activator-lb for a function with no ready pod: decide now. */
    public Optional<ScalingDecision> demand(FunctionKey function, Instant now) {
        if (!known.containsKey(function.toString())) {
            refresh();
        }
        return loop.demand(function.toString(), now);
    }

    /** Every function's decision at {@code now}; a function whose SLO verdict changed is told. */
    public Map<String, ScalingDecision> tick(Instant now) {
        this.lastTick = now;
        refresh();
        Map<String, ScalingDecision> decisions = loop.tick(now);
        known.forEach((key, settings) -> {
            Serving serving = serving(FunctionKey.parse(key));
            String verdict = serving.requests() == 0 ? "unmeasured" : serving.p99Ms() <= settings.spec().sloP99Ms() ? "within" : "missed";
            if (!verdict.equals(verdicts.put(key, verdict))) {
                statusChanged.accept(FunctionKey.parse(key));
            }
        });
        return decisions;
    }

    /** The replicas wanted now, and the reason of the decision that last changed their number. */
    @Override
    public Desire desire(Function function) {
        ScalingDecision decision = ofThisObject(function, changed);
        if (decision != null) {
            return new Desire(decision.desiredReplicas(), decision.reason());
        }
        Optional<Integer> running = Optional.ofNullable(ofThisObject(function, resumeAt)).or(() -> runningCount(function, null));
        if (running.isPresent()) {
            int replicas = FunctionMapping.resolveIgnoringUnknownPolicies(function).spec().clampReplicas(running.get());
            return new Desire(replicas, replicas + " replica(s), the count it runs with, kept " + UNDECIDED);
        }
        Desire spec = beforeAnyDecision.desire(function);
        return new Desire(spec.replicas(), spec.reason() + " " + UNDECIDED);
    }

    /** What is kept for the function's name, unless it was kept for an object of that name deleted since. */
    private <T> T ofThisObject(Function function, Map<String, T> kept) {
        String key = FunctionNames.key(function).toString();
        Known settings = known.get(key);
        return settings != null && !Objects.equals(settings.uid(), function.getMetadata().getUid()) ? null : kept.get(key);
    }

    private FunctionSpec startingFrom(String key, FunctionSpec spec) {
        Integer resumed = resumeAt.get(key);
        return resumed == null ? spec : spec.withInitialScale(resumed); // min and max still apply over it
    }

    /** The count a function runs with now, if it ran before its policy is made here: see {@link #resumeAt}. */
    private static Optional<Integer> runningCount(Function function, ScalingDecision lastChange) {
        if (lastChange != null) {
            return Optional.of(lastChange.desiredReplicas());
        }
        FunctionResourceStatus status = function.getStatus();
        return status == null || status.replicas == null ? Optional.empty() : Optional.ofNullable(status.replicas.desired);
    }

    /**
     * What placement gets: the replicas of {@link #desire}, the share of them the latest decision
     * needs to keep up, and the pods' measured service rates. Before the autoscaler has decided,
     * all of the spec's count is required.
     */
    public PlacementDemand placementDemand(Function function) {
        String key = FunctionNames.key(function).toString();
        int replicas = desire(function).replicas();
        ScalingDecision latest = ofThisObject(function, decided);
        return new PlacementDemand(replicas, latest != null ? latest.requiredReplicas() : replicas, loop.serviceRates(key));
    }

    public Optional<ScalingDecision> lastDecision(FunctionKey function) {
        return Optional.ofNullable(decided.get(function.toString()));
    }

    /** Makes the Functions there are the ones the loop knows; a changed spec or policy starts afresh. */
    private synchronized void refresh() {
        Set<String> present = new HashSet<>();
        for (Function function : functions.get()) {
            if (function.getMetadata().getDeletionTimestamp() != null || !FunctionValidation.actionable(function)) {
                continue;
            }
            ResolvedFunction resolved = FunctionMapping.resolveIgnoringUnknownPolicies(function);
            String key = resolved.key().toString();
            present.add(key);
            Known before = known.get(key);
            if (before != null && !Objects.equals(before.uid(), function.getMetadata().getUid())) {
                // deleted and made again between two looks: the old object's counts and decisions are not this one's
                // (a recreated Function with min 1 was held at the deleted one's 5)
                forget(key);
                before = null;
            }
            // an unknown policy (the API server stores any annotation) keeps the one before it, so a typo
            // changes nothing; after a restart, the default stands in
            Optional<String> unknown = FunctionValidation.unknownPolicy(function, FunctionNames.AUTOSCALING_ANNOTATION);
            String policy = resolved.autoscaling().orElse(unknown.isPresent() && before != null ? before.policy() : defaultPolicy);
            Known now = new Known(resolved.spec(), policy, function.getMetadata().getUid());
            known.put(key, now);
            if (now.sameSettings(before)) {
                continue;
            }
            runningCount(function, changed.get(key)).ifPresent(count -> resumeAt.put(key, count));
            // the new policy's first decision is what the status says next, even at the same count: the old
            // reason named the old settings (a lowered min showed "min 4" until the count next changed)
            changed.remove(key);
            if (before != null) {
                loop.forget(key);
            }
            loop.initialReplicas(key); // makes its policy (from the settings just kept): a function nobody calls is decided on too
            told.accept(String.format(Locale.ROOT, "%s: autoscaled by %s, SLO p99 %.0f ms, min %d, max %s%s%s", key, now.policy(),
                    now.spec().sloP99Ms(), now.spec().minScale(), now.spec().maxScale() == 0 ? "unlimited" : now.spec().maxScale(),
                    before == null ? "" : " (its settings changed)",
                    unknown.map(name -> "; its annotation names '" + name + "', which is no policy: this one stands in").orElse("")));
        }
        for (String key : Set.copyOf(known.keySet())) {
            if (!present.contains(key)) {
                forget(key);
            }
        }
    }

    private void forget(String key) {
        known.remove(key);
        resumeAt.remove(key);
        decided.remove(key);
        changed.remove(key);
        latencies.remove(key);
        verdicts.remove(key);
        loop.forget(key);
        removed.accept(FunctionKey.parse(key));
    }

    private void scaled(String function, ScalingDecision decision, Instant at) {
        ScalingDecision latest = decided.put(function, decision);
        ScalingDecision before = changed.get(function);
        if (before == null || before.desiredReplicas() != decision.desiredReplicas()) {
            changed.put(function, decision);
            countChanged.run();
            statusChanged.accept(FunctionKey.parse(function));
        } else if (latest == null || latest.requiredReplicas() != decision.requiredReplicas()) {
            countChanged.run(); // what placement serves first changed
        }
    }
}
