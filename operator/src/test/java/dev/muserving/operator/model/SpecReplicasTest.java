package dev.muserving.operator.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.muserving.api.Arch;
import dev.muserving.api.v1alpha1.Function;
import dev.muserving.api.v1alpha1.FunctionResourceSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpecReplicasTest {

    private final SpecReplicas replicas = new SpecReplicas();

    private static Function scaled(Integer initial, Integer min, Integer max, List<String> archs) {
        Function fn = FunctionWorkloadModelTest.function("resize");
        fn.getSpec().architectures = archs;
        fn.getSpec().scale = new FunctionResourceSpec.Scale();
        fn.getSpec().scale.initial = initial;
        fn.getSpec().scale.min = min;
        fn.getSpec().scale.max = max;
        return fn;
    }

    @Test
    void initialScaleIsSplitOverTheArchitecturesTheFirstTakingTheRemainder() {
        ReplicaPlan plan = replicas.plan(scaled(3, 0, 0, null));
        assertThat(plan.byArch()).containsExactly(Map.entry(Arch.AMD64, 2), Map.entry(Arch.ARM64, 1));
        assertThat(plan.total()).isEqualTo(3);
        assertThat(plan.reason()).isEqualTo("spec.scale: 3 replica(s) from initial 3");
    }

    @Test
    void aMinimumAboveTheInitialScaleWins() {
        assertThat(replicas.plan(scaled(1, 4, 0, null)).byArch()).containsExactly(Map.entry(Arch.AMD64, 2), Map.entry(Arch.ARM64, 2));
        assertThat(replicas.plan(scaled(1, 4, 5, null)).reason()).isEqualTo("spec.scale: 4 replica(s) from min 4");
    }

    @Test
    void onlyTheListedArchitecturesGetAnEntryAndZeroIsAPlan() {
        ReplicaPlan arm = replicas.plan(scaled(2, 0, 0, List.of("arm64")));
        assertThat(arm.byArch()).containsExactly(Map.entry(Arch.ARM64, 2));
        ReplicaPlan none = replicas.plan(scaled(0, 0, 0, null));
        assertThat(none.byArch()).containsExactly(Map.entry(Arch.AMD64, 0), Map.entry(Arch.ARM64, 0));
        assertThat(none.total()).isZero();
    }

    @Test
    void aSpecWithoutScaleStartsOnePod() {
        Function fn = FunctionWorkloadModelTest.function("resize");
        fn.getSpec().scale = null;
        assertThat(replicas.plan(fn).total()).isEqualTo(1);
    }

    @Test
    void aNegativeCountIsRefused() {
        assertThatThrownBy(() -> new ReplicaPlan(Map.of(Arch.AMD64, -1), "x")).hasMessageContaining("negative replicas for amd64");
    }
}
