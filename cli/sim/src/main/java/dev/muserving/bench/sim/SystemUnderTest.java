package dev.muserving.bench.sim;

import dev.muserving.autoscaler.policy.AutoscalingPolicyFactory;
import dev.muserving.placement.policy.PlacementPolicyFactory;
import dev.muserving.routing.policy.RoutingPolicyFactory;

/**
 * A set of policies to compare: the simulator builds one routing policy per function and balancer,
 * one autoscaler per function and one placement for the cluster.
 */
public record SystemUnderTest(
        String name,
        String description,
        RoutingPolicyFactory routing,
        AutoscalingPolicyFactory autoscaling,
        PlacementPolicyFactory placement) {}
