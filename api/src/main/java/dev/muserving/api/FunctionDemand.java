package dev.muserving.api;

import java.util.Map;
import java.util.Objects;

/**
 * What the autoscaler asks of placement for one function.
 *
 * @param desiredReplicas the replicas the autoscaler wants
 * @param serviceRatePerPod measured requests per second one busy pod completes, by architecture;
 *     an architecture without a measurement is absent
 */
public record FunctionDemand(FunctionSpec function, int desiredReplicas, Map<Arch, Double> serviceRatePerPod) {

    public FunctionDemand {
        Objects.requireNonNull(function, "function");
        if (desiredReplicas < 0) {
            throw new IllegalArgumentException(function.name() + ": desiredReplicas cannot be negative");
        }
        serviceRatePerPod = Map.copyOf(serviceRatePerPod);
    }
}
