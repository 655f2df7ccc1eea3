package dev.muserving.autoscaler.policy;

import dev.muserving.api.FunctionSpec;
import java.time.Duration;

/**
 * Knative's KPA settings ({@code config-autoscaler}); {@link #DEFAULTS} are Knative's defaults
 * (BASELINES.md). Knative's {@code initial-scale} is the function's own ({@code spec.scale.initial},
 * as the per-revision annotation would set it), so it is not here.
 *
 * @param containerConcurrencyTargetDefault per-pod concurrency aimed at when containerConcurrency is 0
 * @param targetUtilization share of the concurrency limit aimed at (0.7 = 70 %)
 * @param panicWindowPercentage the panic window as a share of the stable window, in percent
 * @param panicThreshold panic when desired(panic)/ready reaches this (2.0 = 200 %)
 * @param maxScaleUpRate at most this many times the ready pods in one decision
 * @param maxScaleDownRate at least ready/this pods after one decision
 * @param tick how often the decision runs
 */
public record KpaConfig(
        double containerConcurrencyTargetDefault,
        double targetUtilization,
        Duration stableWindow,
        double panicWindowPercentage,
        double panicThreshold,
        double maxScaleUpRate,
        double maxScaleDownRate,
        Duration scaleToZeroGracePeriod,
        Duration tick) {

    public static final KpaConfig DEFAULTS = new KpaConfig(
            FunctionSpec.SLOTS_WHEN_UNLIMITED, 0.7, Duration.ofSeconds(60), 10, 2.0, 1000, 2, Duration.ofSeconds(30),
            Duration.ofSeconds(2));

    public Duration panicWindow() {
        return Duration.ofMillis(Math.round(stableWindow.toMillis() * panicWindowPercentage / 100));
    }

    /**
     * Knative's per-pod target (ResolveMetricTarget): the concurrency limit (containerConcurrency, or
     * the default target when unlimited) times the utilisation, never below 0.01. The default target
     * does not cap a limit above it.
     */
    public double targetConcurrency(int containerConcurrency) {
        double limit = containerConcurrency != FunctionSpec.UNLIMITED_CONCURRENCY
                ? containerConcurrency
                : containerConcurrencyTargetDefault;
        return Math.max(0.01, limit * targetUtilization);
    }
}
