package dev.muserving.operator.model;

import dev.muserving.api.Arch;
import java.util.Map;

/**
 * What a Function asks of placement now, as the simulator and {@code mu local} hand it over.
 *
 * @param desired the replicas it wants (the autoscaler's decision)
 * @param required those of them it needs to keep up with its load, which placement serves first
 *     under contention; a count held only for SLO headroom, a scale-down delay or an initial scale
 *     is not required
 * @param serviceRates its pods' measured requests per second, per architecture (empty until
 *     measured): placement counts a pod of a slower architecture as that share of a pod
 */
public record PlacementDemand(int desired, int required, Map<Arch, Double> serviceRates) {

    public PlacementDemand {
        required = Math.min(required, desired);
        serviceRates = Map.copyOf(serviceRates);
    }

    /** A count alone: all of it required, no rates measured. */
    public static PlacementDemand of(int replicas) {
        return new PlacementDemand(replicas, replicas, Map.of());
    }
}
