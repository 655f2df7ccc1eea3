package dev.muserving.testenv.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PodNetworkTest {

    private final PodNetwork network = new PodNetwork("mu-testenv0", "10.244.0");

    /** Found by an outside probe: the address a pod had just freed went to the next pod, whose neighbours still knew the old MAC. */
    @Test
    void anAddressJustFreedIsTheLastToBeGivenAgain() throws IOException {
        String first = network.allocate();
        assertThat(first).isEqualTo("10.244.0.2");
        network.release(first);
        assertThat(network.allocate()).isEqualTo("10.244.0.3");
        assertThat(network.allocate()).isEqualTo("10.244.0.4");
    }

    @Test
    void aroundTheSubnetTheFreedOnesComeBackAndAFullOneIsSaidSo() throws IOException {
        Set<String> given = new HashSet<>();
        for (int i = 0; i < 253; i++) {
            given.add(network.allocate());
        }
        assertThat(given).hasSize(253).doesNotContain("10.244.0.1", "10.244.0.255");
        assertThatThrownBy(network::allocate).hasMessageContaining("is full (253 pods)");
        network.release("10.244.0.7");
        assertThat(network.allocate()).isEqualTo("10.244.0.7");
    }
}
