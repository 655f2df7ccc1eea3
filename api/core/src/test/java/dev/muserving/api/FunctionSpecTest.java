package dev.muserving.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FunctionSpecTest {

    private static FunctionSpec spec(Set<Arch> archs, int min, int max) {
        return new FunctionSpec("f", 4, 250, 128, archs, 100, 1, min, max);
    }

    @Test
    void architecturesIterateInDeclarationOrderWhateverTheInput() {
        Set<Arch> armFirst = new LinkedHashSet<>(List.of(Arch.ARM64, Arch.AMD64));
        assertThat(spec(armFirst, 0, 0).architectures()).containsExactly(Arch.AMD64, Arch.ARM64);
        assertThat(spec(armFirst, 0, 0)).isEqualTo(spec(Set.of(Arch.AMD64, Arch.ARM64), 0, 0));
    }

    @Test
    void serviceRatesIterateInDeclarationOrder() {
        FunctionDemand demand = new FunctionDemand(spec(Set.of(Arch.AMD64), 0, 0), 2, 1,
                Map.of(Arch.ARM64, 5.0, Arch.AMD64, 9.0));
        assertThat(demand.serviceRatePerPod().keySet()).containsExactly(Arch.AMD64, Arch.ARM64);
        assertThatThrownBy(() -> new FunctionDemand(spec(Set.of(Arch.AMD64), 0, 0), 1, 2, Map.of()))
                .hasMessageContaining("requiredReplicas (2) <= desiredReplicas (1)");
    }

    @Test
    void scaleBoundsClampReplicas() {
        assertThat(spec(Set.of(Arch.AMD64), 2, 5).clampReplicas(0)).isEqualTo(2);
        assertThat(spec(Set.of(Arch.AMD64), 2, 5).clampReplicas(9)).isEqualTo(5);
        assertThat(spec(Set.of(Arch.AMD64), 0, 0).clampReplicas(900)).isEqualTo(900);
        assertThatThrownBy(() -> spec(Set.of(Arch.AMD64), 6, 5)).hasMessageContaining("minScale 6 is above maxScale 5");
        assertThatThrownBy(() -> spec(Set.of(), 0, 0)).hasMessageContaining("architectures must name at least one");
    }
}
