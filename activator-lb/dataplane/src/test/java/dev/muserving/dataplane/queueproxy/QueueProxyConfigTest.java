package dev.muserving.dataplane.queueproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.muserving.api.Arch;
import dev.muserving.dataplane.ConfigException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueueProxyConfigTest {

    @Test
    void defaultsFollowKnativesQueueProxy() {
        QueueProxyConfig c = QueueProxyConfig.fromEnvironment(Map.of("MU_CONTAINER_CONCURRENCY", "4", "MU_POD_NAME", "p"));
        assertThat(c.port()).isEqualTo(8012);
        assertThat(c.adminPort()).isEqualTo(8022);
        assertThat(c.userPort()).isEqualTo(8080);
        assertThat(c.queueDepth()).isEqualTo(40);
        assertThat(c.requestTimeout()).isEqualTo(Duration.ofSeconds(300));
        assertThat(c.podName()).isEqualTo("p");
    }

    @Test
    void everyBadValueIsNamed() {
        assertThatThrownBy(() -> QueueProxyConfig.fromEnvironment(Map.of("MU_CONTAINER_CONCURRENCY", "four")))
                .isInstanceOf(ConfigException.class).hasMessage("MU_CONTAINER_CONCURRENCY must be a whole number, got 'four'");
        assertThatThrownBy(() -> QueueProxyConfig.fromEnvironment(Map.of("MU_ARCH", "riscv64")))
                .hasMessage("MU_ARCH must be amd64 or arm64, got 'riscv64'");
        assertThatThrownBy(() -> QueueProxyConfig.fromEnvironment(Map.of("MU_PORT", "8080")))
                .hasMessageContaining("MU_PORT (8080) must differ from MU_ADMIN_PORT and MU_USER_PORT");
        assertThatThrownBy(() -> QueueProxyConfig.fromEnvironment(Map.of("MU_REQUEST_TIMEOUT_SECONDS", "-1")))
                .hasMessageContaining("MU_REQUEST_TIMEOUT_SECONDS must be a number of seconds above 0 and at most 86400");
        // found by an outside probe: 0 was refused by a text that said it was allowed
        assertThatThrownBy(() -> QueueProxyConfig.fromEnvironment(Map.of("MU_DRAIN_SECONDS", "0")))
                .hasMessage("MU_DRAIN_SECONDS must be a number of seconds above 0 and at most 86400, got 0");
        assertThatThrownBy(() -> QueueProxyConfig.fromEnvironment(Map.of("MU_DRAIN_LINGER_SECONDS", "-1")))
                .hasMessage("MU_DRAIN_LINGER_SECONDS must be a number of seconds from 0 to 86400, got -1");
        assertThatThrownBy(() -> QueueProxyConfig.fromEnvironment(Map.of("MU_USER_PORT", "70000")))
                .hasMessage("MU_USER_PORT must be between 1 and 65535, got 70000");
    }

    @Test
    void archComesFromTheSettingWhenGiven() {
        assertThat(QueueProxyConfig.fromEnvironment(Map.of("MU_ARCH", "arm64")).arch()).isEqualTo(Arch.ARM64);
    }
}
