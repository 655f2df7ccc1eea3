package dev.muserving.operator.reconciler;

import dev.muserving.api.FunctionKey;
import dev.muserving.api.v1alpha1.Function;
import dev.muserving.api.v1alpha1.FunctionResourceStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a Function's status says, as Prometheus gauges on the leading controller, for dashboards and
 * alerts: {@code mu_function_replicas{namespace, function, state}} with state desired (what the
 * autoscaler wants), allocated (pods bound) or ready; {@code mu_function_arch_replicas{namespace,
 * function, arch, state}} with state share (placement's share of the wish on that architecture),
 * allocated or ready; and {@code mu_function_slo_p99_seconds{namespace, function}} for Functions
 * with {@code spec.slo}.
 * A removed Function's gauges go with it.
 */
public class FunctionGauges {

    static final String REPLICAS = "mu.function.replicas";
    static final String ARCH_REPLICAS = "mu.function.arch.replicas";
    static final String SLO = "mu.function.slo.p99";
    private static final Map<String, String> DESCRIPTIONS = Map.of(
            REPLICAS, "Replicas of a Function: desired (the autoscaler's wish), allocated (bound to a node), ready",
            ARCH_REPLICAS, "Replicas of a Function on one architecture: share (placement's share of the wish), allocated, ready",
            SLO, "The p99 latency the Function's spec.slo asks for");
    private static final Map<String, String> UNITS = Map.of(SLO, "seconds");

    private final MeterRegistry registry;
    /** gauge values by meter id; a double's bits in an AtomicLong */
    private final Map<Meter.Id, AtomicLong> values = new ConcurrentHashMap<>();

    public FunctionGauges(MeterRegistry registry) {
        this.registry = registry;
    }

    public void observe(Function function, FunctionResourceStatus status, Optional<Duration> slo) {
        Tags tags = Tags.of("namespace", function.getMetadata().getNamespace(), "function", function.getMetadata().getName());
        if (status.replicas != null) {
            set(REPLICAS, tags.and("state", "desired"), orZero(status.replicas.desired));
            set(REPLICAS, tags.and("state", "allocated"), orZero(status.replicas.allocated));
            set(REPLICAS, tags.and("state", "ready"), orZero(status.replicas.ready));
        }
        if (status.byArchitecture != null) {
            status.byArchitecture.forEach((arch, counts) -> {
                Tags archTags = tags.and("arch", arch);
                set(ARCH_REPLICAS, archTags.and("state", "share"), orZero(counts.desired));
                set(ARCH_REPLICAS, archTags.and("state", "allocated"), orZero(counts.allocated));
                set(ARCH_REPLICAS, archTags.and("state", "ready"), orZero(counts.ready));
            });
        }
        slo.ifPresent(p99 -> set(SLO, tags, p99.toNanos() / 1e9));
    }

    /** Takes away every gauge of a Function that is gone. */
    public void forget(FunctionKey function) {
        for (Meter.Id id : Map.copyOf(values).keySet()) {
            if (function.namespace().equals(id.getTag("namespace")) && function.name().equals(id.getTag("function"))) {
                values.remove(id);
                registry.remove(id);
            }
        }
    }

    private static double orZero(Integer value) {
        return value == null ? 0 : value;
    }

    private void set(String name, Tags tags, double value) {
        Meter.Id id = new Meter.Id(name, tags, UNITS.get(name), DESCRIPTIONS.get(name), Meter.Type.GAUGE);
        AtomicLong holder = values.computeIfAbsent(id, key -> {
            AtomicLong bits = new AtomicLong();
            Gauge.builder(name, bits, b -> Double.longBitsToDouble(b.get())).tags(tags).description(DESCRIPTIONS.get(name))
                    .baseUnit(UNITS.get(name)).register(registry);
            return bits;
        });
        holder.set(Double.doubleToLongBits(value));
    }
}
