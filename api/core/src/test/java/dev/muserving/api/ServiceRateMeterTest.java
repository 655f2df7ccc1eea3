package dev.muserving.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ServiceRateMeterTest {

    @Test
    void rateIsParallelismOverTheSmoothedServiceTime() {
        ServiceRateMeter meter = new ServiceRateMeter(4);
        assertThat(meter.rate()).isZero();
        meter.observe(0.1);
        assertThat(meter.rate()).isCloseTo(40, within(1e-9));
        meter.observe(0.3); // 0.1 + 0.05 x (0.3 - 0.1) = 0.11 s
        assertThat(meter.rate()).isCloseTo(4 / 0.11, within(1e-9));
    }

    @Test
    void anUnlimitedPodReportsTheCappedParallelism() {
        ServiceRateMeter meter = new ServiceRateMeter(0);
        meter.observe(0.5);
        assertThat(meter.rate()).isCloseTo(ServiceRateMeter.PARALLELISM_CAP / 0.5, within(1e-9));
        assertThat(new ServiceRateMeter(Integer.MAX_VALUE)).satisfies(m -> {
            m.observe(1);
            assertThat(m.rate()).isEqualTo(ServiceRateMeter.PARALLELISM_CAP);
        });
    }

    @Test
    void brokenMeasurementsAreIgnored() {
        ServiceRateMeter meter = new ServiceRateMeter(1);
        meter.observe(0.2);
        meter.observe(0);
        meter.observe(-1);
        meter.observe(Double.NaN);
        meter.observe(Double.POSITIVE_INFINITY);
        assertThat(meter.rate()).isCloseTo(5, within(1e-9));
    }
}
