package dev.muserving.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muserving.api.Arch;
import dev.muserving.api.v1alpha1.Function;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ArchitectureHandoverTest {

    private final FunctionWorkloadModel model = new FunctionWorkloadModel(OperatorSettings.DEFAULTS);
    private final Function fn = FunctionWorkloadModelTest.function("resize");
    /** amd64 dropped: arm64 is to run 3 of the 3 wanted. */
    private final ReplicaPlan armOnly = new ReplicaPlan(Map.of(Arch.ARM64, 3), "x");

    private Deployment deployment(Arch arch, int ready) {
        Deployment d = model.toDeployment(fn, arch, 3);
        d.setStatus(new DeploymentStatusBuilder().withReadyReplicas(ready).build());
        return d;
    }

    @Test
    void aDroppedArchitectureServesUntilTheAllowedOnesHaveAsManyReadyAsArePlacedOrItHad() {
        assertThat(ArchitectureHandover.stillServing(armOnly, List.of(deployment(Arch.AMD64, 3), deployment(Arch.ARM64, 0))))
                .containsExactly(Arch.AMD64);
        assertThat(ArchitectureHandover.stillServing(armOnly, List.of(deployment(Arch.AMD64, 3), deployment(Arch.ARM64, 2))))
                .containsExactly(Arch.AMD64);
        assertThat(ArchitectureHandover.stillServing(armOnly, List.of(deployment(Arch.AMD64, 3), deployment(Arch.ARM64, 3)))).isEmpty();
        // it had one ready: one of arm64's is as good
        assertThat(ArchitectureHandover.stillServing(armOnly, List.of(deployment(Arch.AMD64, 1), deployment(Arch.ARM64, 1)))).isEmpty();
        // arm64's Deployment not created yet
        assertThat(ArchitectureHandover.stillServing(armOnly, List.of(deployment(Arch.AMD64, 3)))).containsExactly(Arch.AMD64);
    }

    @Test
    void nothingIsKeptForAFunctionThatWantsNoPodsOrByADeploymentWithNothingReadyOrOnItsWayOut() {
        ReplicaPlan none = new ReplicaPlan(Map.of(Arch.ARM64, 0), "scaled to zero");
        assertThat(ArchitectureHandover.stillServing(none, List.of(deployment(Arch.AMD64, 3), deployment(Arch.ARM64, 0)))).isEmpty();
        assertThat(ArchitectureHandover.stillServing(armOnly, List.of(deployment(Arch.AMD64, 0), deployment(Arch.ARM64, 0)))).isEmpty();
        Deployment leaving = deployment(Arch.AMD64, 3);
        leaving.getMetadata().setDeletionTimestamp("2026-12-05T18:00:00Z");
        assertThat(ArchitectureHandover.stillServing(armOnly, List.of(leaving, deployment(Arch.ARM64, 0)))).isEmpty();
    }

    @Test
    void aFunctionPlacedNowhereOnItsAllowedArchitecturesKeepsTheOneThatServes() {
        // wanted, but the cluster has room for none of arm64's pods: the old ones serve on
        ReplicaPlan placedNowhere = new ReplicaPlan(Map.of(Arch.ARM64, 0), 3, "contention");
        assertThat(ArchitectureHandover.stillServing(placedNowhere, List.of(deployment(Arch.AMD64, 3), deployment(Arch.ARM64, 0))))
                .containsExactly(Arch.AMD64);
    }

    @Test
    void anAllowedArchitectureIsNeverHandingOver() {
        ReplicaPlan both = new ReplicaPlan(Map.of(Arch.AMD64, 2, Arch.ARM64, 1), "x");
        assertThat(ArchitectureHandover.stillServing(both, List.of(deployment(Arch.AMD64, 0), deployment(Arch.ARM64, 0)))).isEmpty();
        assertThat(both.handingOver(ArchitectureHandover.stillServing(both, List.of())).deployed())
                .containsExactlyInAnyOrder(Arch.AMD64, Arch.ARM64);
        assertThat(armOnly.handingOver(Set.of(Arch.AMD64)).deployed()).containsExactlyInAnyOrder(Arch.AMD64, Arch.ARM64);
        // what the Deployments' dependent asks before it deletes one
        assertThat(ArchitectureHandover.keeps(armOnly.handingOver(Set.of(Arch.AMD64)), deployment(Arch.AMD64, 3))).isTrue();
        assertThat(ArchitectureHandover.keeps(armOnly, deployment(Arch.AMD64, 3))).isFalse();
    }
}
