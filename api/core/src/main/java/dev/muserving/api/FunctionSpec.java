package dev.muserving.api;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What every policy knows about a function: the parts of a {@code Function} spec that routing,
 * autoscaling and placement act on.
 *
 * @param containerConcurrency requests one pod may serve at once; 0 means unlimited (Knative's meaning)
 * @param cpuMillis CPU request of one pod, in millicores
 * @param memoryMiB memory request of one pod
 * @param architectures where the function may run; never empty
 * @param sloP99Ms the p99 latency the function's owner asks for
 * @param weight share under contention; a function of weight 2 deserves twice the satisfaction
 *     budget of one with weight 1
 * @param minScale fewest replicas, 0 allows scale to zero
 * @param maxScale most replicas, 0 means no limit
 * @param initialScale replicas a new function starts with ({@code minScale} applies when higher)
 * @param scaleToZeroAfter how long without a request before the last pod may go (when minScale is 0)
 */
public record FunctionSpec(
        String name,
        int containerConcurrency,
        int cpuMillis,
        int memoryMiB,
        Set<Arch> architectures,
        double sloP99Ms,
        double weight,
        int minScale,
        int maxScale,
        int initialScale,
        Duration scaleToZeroAfter) {

    /** {@code containerConcurrency} of a function without a limit, Knative's meaning. */
    public static final int UNLIMITED_CONCURRENCY = 0;
    /**
     * Requests a pod without a concurrency limit is taken to run at once where a policy needs a
     * number: Knative's {@code container-concurrency-target-default}.
     */
    public static final int SLOTS_WHEN_UNLIMITED = 100;

    /** A function with the Function resource's defaults for its initial scale and scale-to-zero delay. */
    public FunctionSpec(String name, int containerConcurrency, int cpuMillis, int memoryMiB, Set<Arch> architectures,
            double sloP99Ms, double weight, int minScale, int maxScale) {
        this(name, containerConcurrency, cpuMillis, memoryMiB, architectures, sloP99Ms, weight, minScale, maxScale,
                FunctionDefaults.SCALE_INITIAL, FunctionDuration.parse(FunctionDefaults.SCALE_TO_ZERO_AFTER).orElseThrow());
    }

    /**
     * A function known only by its name and concurrency limit, everything else the Function
     * resource's defaults: what a data-plane component uses when no Function resource is at hand.
     */
    public static FunctionSpec withDefaults(String name, int containerConcurrency) {
        return new FunctionSpec(name, containerConcurrency, FunctionDefaults.CPU_MILLIS, FunctionDefaults.MEMORY_MIB,
                EnumSet.allOf(Arch.class), FunctionDuration.parse(FunctionDefaults.SLO_P99_WHEN_UNSET).orElseThrow().toMillis(),
                FunctionDefaults.WEIGHT, FunctionDefaults.SCALE_MIN, FunctionDefaults.SCALE_MAX);
    }

    public FunctionSpec {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("function name must not be blank");
        }
        requireAtLeast(containerConcurrency, 0, "containerConcurrency");
        requireAtLeast(cpuMillis, 1, "cpuMillis");
        requireAtLeast(memoryMiB, 1, "memoryMiB");
        requireAtLeast(minScale, 0, "minScale");
        requireAtLeast(maxScale, 0, "maxScale");
        requireAtLeast(initialScale, 0, "initialScale");
        Objects.requireNonNull(scaleToZeroAfter, "scaleToZeroAfter");
        if (scaleToZeroAfter.isNegative()) {
            throw new IllegalArgumentException(name + ": scaleToZeroAfter must not be negative, got " + scaleToZeroAfter);
        }
        if (maxScale > 0 && minScale > maxScale) {
            throw new IllegalArgumentException(
                    name + ": minScale " + minScale + " is above maxScale " + maxScale);
        }
        if (architectures == null || architectures.isEmpty()) {
            throw new IllegalArgumentException(name + ": architectures must name at least one");
        }
        // An EnumSet iterates in declaration order; Set.copyOf would iterate in an order that changes
        // from one JVM to the next, and policies that walk the architectures must be reproducible.
        architectures = Collections.unmodifiableSet(EnumSet.copyOf(architectures));
        if (!(sloP99Ms > 0) || Double.isInfinite(sloP99Ms)) {
            throw new IllegalArgumentException(name + ": sloP99Ms must be a positive number, got " + sloP99Ms);
        }
        if (!(weight > 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException(name + ": weight must be a positive number, got " + weight);
        }
    }

    /** The same function starting from {@code replicas} (an autoscaler taking over a function that already runs). */
    public FunctionSpec withInitialScale(int replicas) {
        return new FunctionSpec(name, containerConcurrency, cpuMillis, memoryMiB, architectures, sloP99Ms, weight, minScale,
                maxScale, replicas, scaleToZeroAfter);
    }

    /** The same function under another name (as {@code mu local} names a scenario's functions). */
    public FunctionSpec withName(String newName) {
        return new FunctionSpec(newName, containerConcurrency, cpuMillis, memoryMiB, architectures, sloP99Ms, weight, minScale,
                maxScale, initialScale, scaleToZeroAfter);
    }

    public boolean concurrencyLimited() {
        return containerConcurrency != UNLIMITED_CONCURRENCY;
    }

    /** Requests one pod runs at once: its limit, or {@link #SLOTS_WHEN_UNLIMITED}. */
    public int slots() {
        return concurrencyLimited() ? containerConcurrency : SLOTS_WHEN_UNLIMITED;
    }

    /** The replicas it starts with: {@code initialScale} within the scale bounds. */
    public int startingReplicas() {
        return clampReplicas(initialScale);
    }

    public boolean runsOn(Arch arch) {
        return architectures.contains(arch);
    }

    /** The replica count after applying {@code minScale} and {@code maxScale}. */
    public int clampReplicas(int replicas) {
        int atLeastMin = Math.max(minScale, replicas);
        return maxScale > 0 ? Math.min(maxScale, atLeastMin) : atLeastMin;
    }

    private static void requireAtLeast(int value, int min, String field) {
        if (value < min) {
            throw new IllegalArgumentException(field + " must be at least " + min + ", got " + value);
        }
    }
}
