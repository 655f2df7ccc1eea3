package dev.muserving.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CpuQuantityTest {

    @ParameterizedTest(name = "{0} = {1}m")
    @CsvSource({"500m, 500", "2, 2000", "0.5, 500", "0.0005, 1", "1.0001, 1001", "0, 0", "0m, 0",
            "99999999999999999999999999m, 9223372036854775807"})
    void coresAndWholeMillicoresAreReadAsKubernetesRoundsThem(String text, long millis) {
        assertThat(CpuQuantity.millis(text)).isEqualTo(OptionalLong.of(millis));
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"1.5m", "-1", "1e3", "2 cores", "500M", ".5", "1.", "", " 500m"})
    void whatTheCrdRefusesIsRefused(String text) {
        assertThat(CpuQuantity.millis(text)).isEmpty();
        assertThat(text).doesNotMatch(CpuQuantity.PATTERN);
    }
}
