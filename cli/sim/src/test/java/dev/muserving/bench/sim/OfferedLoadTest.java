package dev.muserving.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class OfferedLoadTest {

    @Test
    void aLongRequestIsOneBusySlotForItsServiceTimeNotManyPodsForTheSecondItArrivedIn() {
        OfferedLoad load = new OfferedLoad(4, 1); // 4 s requests, one slot per pod
        double first = load.sample(0, 1, 1);
        assertThat(first).isCloseTo(0.5, within(1e-9)); // arrived on average half-way through the second
        for (int s = 1; s < 4; s++) {
            assertThat(load.sample(s, s + 1, 0)).as("second %d", s).isCloseTo(1, within(1e-9));
        }
        assertThat(load.sample(4, 5, 0)).isCloseTo(0.5, within(1e-9));
        assertThat(load.sample(5, 6, 0)).isZero();
    }

    @Test
    void theWorkOverARunIsRateTimesServiceTimeOverSlots() {
        OfferedLoad load = new OfferedLoad(0.7, 0.1); // 700 ms, ten slots per pod
        double busy = 0;
        long arrivals = 0;
        for (int s = 0; s < 100; s++) {
            int n = s % 7 == 0 ? 30 : 3;
            arrivals += n;
            busy += load.sample(s, s + 1, n);
        }
        busy += load.sample(100, 101, 0);
        assertThat(busy).isCloseTo(arrivals * 0.7 * 0.1, within(1e-9));
    }

    @Test
    void samplesOfUnevenLengthKeepTheWork() {
        OfferedLoad load = new OfferedLoad(2, 1);
        double busySeconds = load.sample(0, 0.25, 1) * 0.25 + load.sample(0.25, 3, 0) * 2.75;
        assertThat(busySeconds).isCloseTo(2, within(1e-9));
    }

    @Test
    void anEmptyOrBackwardSampleIsRefused() {
        OfferedLoad load = new OfferedLoad(1, 1);
        assertThatThrownBy(() -> load.sample(2, 2, 0)).hasMessageContaining("to > from");
        assertThatThrownBy(() -> new OfferedLoad(0, 1)).hasMessageContaining("positive service time");
    }
}
