package dev.muserving.autoscaler.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TimedBucketsTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final TimedBuckets window = new TimedBuckets(Duration.ofSeconds(10), Duration.ofSeconds(1));

    private static Instant at(double seconds) {
        return T0.plusMillis(Math.round(seconds * 1000));
    }

    @Test
    void anEmptyWindowHasNoData() {
        assertThat(window.hasData(T0)).isFalse();
        assertThat(window.average(T0)).isZero();
    }

    @Test
    void aWindowThatHasNotFilledAveragesOverTheSecondsSinceTheFirstValue() {
        for (int s = 0; s < 4; s++) {
            window.record(at(s), 6);
        }
        assertThat(window.average(at(3))).isEqualTo(6);
    }

    @Test
    void secondsWithoutValuesCountAsZero() {
        window.record(at(0), 10);
        window.record(at(4), 10);
        assertThat(window.average(at(4))).isCloseTo(20.0 / 5, within(1e-9));
        assertThat(window.average(at(9))).isCloseTo(20.0 / 10, within(1e-9));
    }

    @Test
    void valuesLeaveTheWindowAfterItsLength() {
        for (int s = 0; s < 10; s++) {
            window.record(at(s), s < 5 ? 100 : 0);
        }
        window.record(at(14), 0);
        assertThat(window.average(at(14))).isZero();
        assertThat(window.hasData(at(23))).isTrue();
        assertThat(window.hasData(at(24))).isFalse();
    }

    @Test
    void valuesInOneSecondAddUp() {
        window.record(at(0.1), 1);
        window.record(at(0.9), 2);
        assertThat(window.average(at(0.95))).isEqualTo(3);
    }

    @Test
    void aLongGapClearsEverything() {
        window.record(at(0), 50);
        window.record(at(30), 5);
        assertThat(window.average(at(30))).isCloseTo(5.0 / 10, within(1e-9));
    }

    @Test
    void aProvisionalValueCountsUntilAValueRecordedAtOrAfterItReplacesIt() {
        window.record(at(0), 0);
        window.recordProvisional(at(2.3), 1);
        assertThat(window.average(at(2.5))).isCloseTo(1.0 / 3, within(1e-9));
        window.record(at(2), 0); // an older interval's value: the report still counts
        assertThat(window.average(at(2.5))).isCloseTo(1.0 / 3, within(1e-9));
        window.record(at(3), 0.5); // the interval that holds the request: the report is replaced, not added to
        assertThat(window.average(at(3))).isCloseTo(0.5 / 4, within(1e-9));
    }

    @Test
    void aSecondProvisionalValueReplacesTheFirst() {
        window.recordProvisional(at(1), 1);
        window.recordProvisional(at(1.5), 1);
        assertThat(window.average(at(1.5))).isCloseTo(1.0, within(1e-9));
        window.record(at(2), 2);
        assertThat(window.average(at(2))).isCloseTo(2.0 / 2, within(1e-9));
    }
}
