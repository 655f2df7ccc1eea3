package dev.muserving.api;

import java.util.Objects;

/**
 * A system to run or compare: one routing, one autoscaling and one placement policy, each by the
 * name its family's registry knows it by ({@code RoutingPolicies}, {@code AutoscalingPolicies},
 * {@code PlacementPolicies}).
 */
public record PolicySet(String name, String description, String routing, String autoscaling, String placement) {

    public PolicySet {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(routing, "routing");
        Objects.requireNonNull(autoscaling, "autoscaling");
        Objects.requireNonNull(placement, "placement");
    }
}
