package dev.muserving.routing.policy;

import dev.muserving.api.testing.PolicyPurity;
import org.junit.jupiter.api.Test;

class RoutingPolicyPurityTest {

    @Test
    void routingPoliciesArePure() {
        PolicyPurity.check("dev.muserving.routing");
    }
}
