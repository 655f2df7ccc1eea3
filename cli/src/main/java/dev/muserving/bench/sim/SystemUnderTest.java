package dev.muserving.bench.sim;

import dev.muserving.autoscaler.policy.AutoscalingPolicyFactory;
import dev.muserving.placement.policy.PlacementPolicy;
import dev.muserving.routing.policy.RoutingPolicyFactory;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * A set of policies to compare: the simulator builds one routing policy per function and balancer,
 * one autoscaler per function and one placement for the cluster.
 */
public record SystemUnderTest(
        String name,
        String description,
        RoutingPolicyFactory routing,
        AutoscalingPolicyFactory autoscaling,
        Function<RandomGenerator, PlacementPolicy> placement) {}
