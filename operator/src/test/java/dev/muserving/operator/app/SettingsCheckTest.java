package dev.muserving.operator.app;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.runtime.configuration.ConfigurationException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SettingsCheckTest {

    @Test
    void aTickOfZeroIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> SettingsCheck.autoscalerTick(Duration.ZERO)).isInstanceOf(ConfigurationException.class)
                .hasMessage("mu.operator.autoscaler-tick must be above zero, got PT0S");
        assertThatCode(() -> SettingsCheck.autoscalerTick(Duration.ofMillis(500))).doesNotThrowAnyException();
    }

    @Test
    void aMaxWeightOfZeroOrNoNumberIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> SettingsCheck.maxWeight(0)).isInstanceOf(ConfigurationException.class)
                .hasMessage("mu.operator.max-weight must be a number above zero, got 0.0");
        assertThatThrownBy(() -> SettingsCheck.maxWeight(Double.NaN)).isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> SettingsCheck.maxWeight(Double.POSITIVE_INFINITY)).isInstanceOf(ConfigurationException.class);
        assertThatCode(() -> SettingsCheck.maxWeight(2.5)).doesNotThrowAnyException();
    }

    @Test
    void leaseTimingsOutOfOrderAreRefusedNamingAllThree() {
        assertThatThrownBy(() -> SettingsCheck.leaderElection(Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(2)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("mu.operator.leader-election: lease-duration (PT1S) must be longer than renew-deadline (PT10S), which must be"
                        + " longer than retry-period (PT2S), above zero");
        assertThatThrownBy(() -> SettingsCheck.leaderElection(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ZERO))
                .isInstanceOf(ConfigurationException.class);
        assertThatCode(() -> SettingsCheck.leaderElection(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2)))
                .doesNotThrowAnyException();
    }
}
