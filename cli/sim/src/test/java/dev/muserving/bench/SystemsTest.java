package dev.muserving.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.muserving.api.BadInputException;
import dev.muserving.api.PolicySets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SystemsTest {

    @Test
    void everySystemResolvesIntoPoliciesOfEachFamily() {
        assertThat(Systems.names()).startsWith("knative", "mu").contains("mu-routing-only", "knative+linucb");
        for (String name : PolicySets.names()) {
            assertThat(Systems.get(name).name()).isEqualTo(name);
        }
    }

    @Test
    void unknownAndRepeatedSystemsAreBadInput() {
        assertThatThrownBy(() -> Systems.get("mu-fast")).isInstanceOf(BadInputException.class)
                .hasMessageStartingWith("unknown system 'mu-fast'; known systems: knative, mu, mu-burst");
        assertThatThrownBy(() -> Systems.resolve(List.of("mu", " mu"))).hasMessage("system 'mu' is listed twice");
    }
}
