package dev.muserving.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FunctionDurationTest {

    @Test
    void theCrdsFormsAreRead() {
        assertThat(FunctionDuration.parse("500ms")).contains(Duration.ofMillis(500));
        assertThat(FunctionDuration.parse("30s")).contains(Duration.ofSeconds(30));
        assertThat(FunctionDuration.parse("5m")).contains(Duration.ofMinutes(5));
        assertThat(FunctionDuration.parse("1h")).contains(Duration.ofHours(1));
        assertThat(FunctionDuration.parse("999999h").orElseThrow().toNanos()).as("fits in nanoseconds").isPositive();
    }

    @Test
    void anythingElseIsNoDuration() {
        for (String bad : new String[] {null, "", "30", "1.5s", "30 seconds", "-1s", "2d", "99999999999999999999h", "9999999999999999h", "1000000ms"}) {
            assertThat(FunctionDuration.parse(bad)).as(bad).isEmpty();
        }
        assertThat("30s").matches(FunctionDuration.PATTERN);
        assertThat("30 s").doesNotMatch(FunctionDuration.PATTERN);
    }
}
