package dev.muserving.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {

    private final DurationConverter converter = new DurationConverter();

    @Test
    void readsTheUsualUnits() {
        assertThat(converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(converter.convert("20s")).isEqualTo(Duration.ofSeconds(20));
        assertThat(converter.convert("1.5m")).isEqualTo(Duration.ofSeconds(90));
        assertThat(converter.convert("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(converter.convert("7")).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void refusesWhatIsNotAPositiveDuration() {
        assertThatThrownBy(() -> converter.convert("soon")).isInstanceOf(TypeConversionException.class)
                .hasMessage("'soon' is not a duration; use e.g. 500ms, 20s, 1.5m or 2h");
        assertThatThrownBy(() -> converter.convert("0s")).isInstanceOf(TypeConversionException.class)
                .hasMessage("'0s': a duration must be above zero");
        assertThatThrownBy(() -> converter.convert("-3s")).isInstanceOf(TypeConversionException.class)
                .hasMessage("'-3s': a duration must be above zero");
        assertThatThrownBy(() -> converter.convert("infinity")).isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("is not a duration");
    }

    /** Found by an outside probe: mu load --duration 2600000h sent nothing and exited 0 (its deadline wrapped round). */
    /** Found by an outside probe: mu soak's --quiet 0 and --warm-up 0 were refused, though the soak takes them. */
    @Test
    void whereNoTimeAtAllMakesSenseZeroIsTaken() {
        DurationConverter.OrZero orZero = new DurationConverter.OrZero();
        assertThat(orZero.convert("0")).isZero();
        assertThat(orZero.convert("0s")).isZero();
        assertThat(orZero.convert("2s")).isEqualTo(Duration.ofSeconds(2));
        assertThatThrownBy(() -> orZero.convert("-1s")).isInstanceOf(TypeConversionException.class)
                .hasMessage("'-1s': a duration must be 0 or more");
    }

    @Test
    void refusesWhatNoRunLastsRatherThanWrapRound() {
        assertThat(converter.convert("8784h")).isEqualTo(Duration.ofDays(366));
        assertThatThrownBy(() -> converter.convert("2600000h")).isInstanceOf(TypeConversionException.class)
                .hasMessage("'2600000h': at most 8784h (a year)");
        assertThatThrownBy(() -> converter.convert("99999999999h")).isInstanceOf(TypeConversionException.class)
                .hasMessage("'99999999999h': at most 8784h (a year)");
    }
}
