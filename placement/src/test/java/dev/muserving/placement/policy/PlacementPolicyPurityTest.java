package dev.muserving.placement.policy;

import dev.muserving.api.testing.PolicyPurity;
import org.junit.jupiter.api.Test;

class PlacementPolicyPurityTest {

    @Test
    void placementPoliciesArePure() {
        PolicyPurity.check("dev.muserving.placement");
    }
}
