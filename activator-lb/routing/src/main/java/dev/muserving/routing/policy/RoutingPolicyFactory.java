package dev.muserving.routing.policy;

import dev.muserving.api.FunctionSpec;
import java.util.random.RandomGenerator;

/** Makes the routing policy of one function in one balancer (as Knative's throttler does per revision). */
@FunctionalInterface
public interface RoutingPolicyFactory {

    RoutingPolicy create(FunctionSpec function, BalancerPosition position, RandomGenerator random);
}
