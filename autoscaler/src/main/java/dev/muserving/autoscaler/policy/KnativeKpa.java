package dev.muserving.autoscaler.policy;

import dev.muserving.api.FunctionSpec;
import dev.muserving.api.MetricSnapshot;
import dev.muserving.api.ReplicaCounts;
import dev.muserving.api.ScalingDecision;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * Knative's Pod Autoscaler with its defaults, the autoscaling baseline. Follows
 * pkg/autoscaler/scaling/autoscaler.go: desired pods from the stable (60 s) and panic (6 s) window
 * averages of concurrency over the per-pod target, clamped by the scale-up and scale-down rates;
 * panic starts when the panic window wants at least twice the ready pods, never lets the count
 * fall while it lasts, and ends after a full stable window below the threshold. Scale to zero
 * (the KPA reconciler's part, pkg/reconciler/autoscaling/kpa/scaler.go {@code handleScaleToZero})
 * happens only once the revision has been active (had a ready pod) for a stable window, then
 * inactive for the grace period: a new revision's initial pod, whose windows see no traffic after
 * two seconds, stays 90 s, not 32.
 */
public final class KnativeKpa implements AutoscalingPolicy {

    private static final Duration BUCKET = Duration.ofSeconds(1);

    private final FunctionSpec function;
    private final KpaConfig config;
    private final double target;
    private final TimedBuckets stable;
    private final TimedBuckets panic;
    private Instant panicSince;
    private int maxPanicPods;
    private Instant zeroWantedSince;
    private Instant activeSince;

    public KnativeKpa(FunctionSpec function, KpaConfig config) {
        this.function = function;
        this.config = config;
        this.target = config.targetConcurrency(function.containerConcurrency());
        this.stable = new TimedBuckets(config.stableWindow(), BUCKET);
        this.panic = new TimedBuckets(config.panicWindow(), BUCKET);
    }

    public static AutoscalingPolicyFactory factory(KpaConfig config) {
        return fn -> new KnativeKpa(fn, config);
    }

    @Override
    public int initialReplicas() {
        return function.startingReplicas();
    }

    @Override
    public void record(MetricSnapshot snapshot) {
        stable.record(snapshot.at(), snapshot.averageConcurrency());
        panic.record(snapshot.at(), snapshot.averageConcurrency());
    }

    /** The activator's immediate stat: one request waiting, until the snapshot that covers it. */
    @Override
    public void recordActivation(Instant at) {
        stable.recordProvisional(at, 1);
        panic.recordProvisional(at, 1);
    }

    public boolean isPanicking() {
        return panicSince != null;
    }

    @Override
    public ScalingDecision decide(ReplicaCounts replicas, Instant now) {
        int current = replicas.total();
        if (replicas.ready() == 0) {
            activeSince = null;
        } else if (activeSince == null) {
            activeSince = now;
        }
        if (!stable.hasData(now)) {
            // Knative's ErrNoData: without a metric in the window there is nothing to decide on.
            return new ScalingDecision(function.clampReplicas(current), "no metrics in the stable window: keep " + current);
        }
        double readyPods = Math.max(1, replicas.ready());
        double maxScaleUp = Math.ceil(config.maxScaleUpRate() * readyPods);
        double maxScaleDown = Math.floor(readyPods / config.maxScaleDownRate());
        double stableConcurrency = stable.average(now);
        double panicConcurrency = panic.average(now);

        double stableWanted = Math.ceil(stableConcurrency / target);
        double panicWanted = Math.ceil(panicConcurrency / target);
        int desiredStable = (int) Math.min(Math.max(stableWanted, maxScaleDown), maxScaleUp);
        int desiredPanic = (int) Math.min(Math.max(panicWanted, maxScaleDown), maxScaleUp);

        boolean overThreshold = panicWanted / readyPods >= config.panicThreshold();
        if (overThreshold) {
            panicSince = now;
        } else if (panicSince != null && panicSince.plus(config.stableWindow()).isBefore(now)) {
            panicSince = null;
            maxPanicPods = 0;
        }

        int desired = desiredStable;
        String why;
        if (panicSince != null) {
            desired = Math.max(desired, desiredPanic);
            maxPanicPods = Math.max(maxPanicPods, desired);
            desired = maxPanicPods;
            why = String.format(Locale.ROOT, "panic: %.1f concurrent over %ds / target %.2f wants %d (ready %d)",
                    panicConcurrency, config.panicWindow().toSeconds(), target, (int) panicWanted, replicas.ready());
        } else {
            why = String.format(Locale.ROOT, "stable: %.1f concurrent over %ds / target %.2f wants %d (ready %d)",
                    stableConcurrency, config.stableWindow().toSeconds(), target, (int) stableWanted, replicas.ready());
        }
        return scaleToZeroGate(function.clampReplicas(desired), current, why, now);
    }

    /**
     * Holds the last pod once the windows say no traffic: the revision turns inactive when it has been
     * active for a stable window, and its last pod goes after the grace period from then. A function
     * already at zero stays there: Knative's KPA leaves an inactive revision at zero until a request
     * comes, where this gate once started a pod for the grace period of a function created with
     * {@code initial: 0}.
     */
    private ScalingDecision scaleToZeroGate(int desired, int current, String why, Instant now) {
        if (desired > 0) {
            zeroWantedSince = null;
            return new ScalingDecision(desired, why + " → " + desired);
        }
        if (zeroWantedSince == null) {
            zeroWantedSince = now;
        }
        if (current == 0) {
            return new ScalingDecision(0, "no traffic in the stable window, and no pod to keep → 0");
        }
        Instant activeForAStableWindow = activeSince == null ? now : activeSince.plus(config.stableWindow());
        Instant inactive = zeroWantedSince.isAfter(activeForAStableWindow) ? zeroWantedSince : activeForAStableWindow;
        Instant zeroAt = inactive.plus(config.scaleToZeroGracePeriod());
        if (now.isBefore(zeroAt)) {
            return new ScalingDecision(1, String.format(Locale.ROOT,
                    "no traffic in the %ds stable window; scale to zero once active for %ds and then after the %ds grace period"
                            + " (%ds left) → 1",
                    config.stableWindow().toSeconds(), config.stableWindow().toSeconds(), config.scaleToZeroGracePeriod().toSeconds(),
                    Duration.between(now, zeroAt).toSeconds()));
        }
        return new ScalingDecision(0, "no traffic for the stable window and the grace period → 0");
    }
}
