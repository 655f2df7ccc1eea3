package dev.muserving.placement.policy;

import java.util.random.RandomGenerator;

/** Makes the placement of one cluster; ties a policy breaks at random come from {@code random} (seeded). */
@FunctionalInterface
public interface PlacementPolicyFactory {
    PlacementPolicy create(RandomGenerator random);
}
