package dev.muserving.autoscaler.policy;

import dev.muserving.api.testing.PolicyPurity;
import org.junit.jupiter.api.Test;

class AutoscalingPolicyPurityTest {

    @Test
    void autoscalingPoliciesArePure() {
        PolicyPurity.check("dev.muserving.autoscaler");
    }
}
