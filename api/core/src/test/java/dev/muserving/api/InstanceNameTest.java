package dev.muserving.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class InstanceNameTest {

    @Test
    void inAPodThePodNameElseHostAndProcess() {
        assertThat(InstanceName.of(Map.of("POD_NAME", "mu-controller-7d9f-abcde"), "mu-operator")).isEqualTo("mu-controller-7d9f-abcde");
        String local = InstanceName.of(Map.of("POD_NAME", " "), "mu-operator");
        assertThat(local).endsWith("_" + ProcessHandle.current().pid()).doesNotStartWith(" ");
        assertThat(InstanceName.of(Map.of(), "mu-operator")).isEqualTo(local);
    }
}
