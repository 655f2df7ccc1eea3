package dev.muserving.autoscaler.policy;

import dev.muserving.api.FunctionSpec;

/** Makes the autoscaler of one function. */
@FunctionalInterface
public interface AutoscalingPolicyFactory {

    AutoscalingPolicy create(FunctionSpec function);
}
