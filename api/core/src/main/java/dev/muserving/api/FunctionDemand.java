package dev.muserving.api;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * What the autoscaler asks of placement for one function.
 *
 * @param desiredReplicas the replicas the autoscaler wants
 * @param requiredReplicas the fewest that keep up with the load (see {@link ScalingDecision})
 * @param serviceRatePerPod measured requests per second one busy pod completes, by architecture;
 *     an architecture without a measurement is absent
 */
public record FunctionDemand(
        FunctionSpec function, int desiredReplicas, int requiredReplicas, Map<Arch, Double> serviceRatePerPod) {

    public FunctionDemand {
        Objects.requireNonNull(function, "function");
        if (desiredReplicas < 0 || requiredReplicas < 0 || requiredReplicas > desiredReplicas) {
            throw new IllegalArgumentException(function.name() + ": needs 0 <= requiredReplicas (" + requiredReplicas
                    + ") <= desiredReplicas (" + desiredReplicas + ")");
        }
        Map<Arch, Double> rates = new EnumMap<>(Arch.class);
        rates.putAll(serviceRatePerPod);
        serviceRatePerPod = Collections.unmodifiableMap(rates); // iterates in a fixed order, unlike Map.copyOf
    }

    /** A demand whose every desired replica is required. */
    public FunctionDemand(FunctionSpec function, int desiredReplicas, Map<Arch, Double> serviceRatePerPod) {
        this(function, desiredReplicas, desiredReplicas, serviceRatePerPod);
    }
}
