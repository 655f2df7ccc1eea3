package dev.muserving.dataplane.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.stream.DoubleStream;
import org.junit.jupiter.api.Test;

class ServiceTimeTest {

    private static double[] draw(ServiceTime time, int n) {
        return DoubleStream.generate(time::nextMillis).limit(n).sorted().toArray();
    }

    @Test
    void aLogNormalTimeHasTheMedianAndP99ItWasGiven() {
        double[] sorted = draw(ServiceTime.logNormal(40, 200, 7), 50_000);
        assertThat(sorted[sorted.length / 2]).isCloseTo(40, within(40 * 0.03));
        assertThat(sorted[(int) (sorted.length * 0.99)]).isCloseTo(200, within(200 * 0.06));
        assertThat(sorted[0]).isPositive();
    }

    @Test
    void theSameSeedDrawsTheSameTimesAndAFixedTimeNeverVaries() {
        assertThat(draw(ServiceTime.logNormal(10, 30, 3), 100)).isEqualTo(draw(ServiceTime.logNormal(10, 30, 3), 100));
        assertThat(Arrays.stream(draw(ServiceTime.fixed(12.5), 100)).distinct()).containsExactly(12.5);
        assertThat(draw(ServiceTime.logNormal(10, 10, 3), 10)).containsOnly(10.0);
    }

    @Test
    void aRequestOfAGivenQuantileTakesThatQuantileOfTheTime() {
        ServiceTime time = ServiceTime.logNormal(40, 200, 7);
        assertThat(time.atQuantile(0)).isEqualTo(40.0);
        assertThat(time.atQuantile(ServiceTime.Z99)).isCloseTo(200, within(1e-9));
        assertThat(time.atQuantile(-1)).isCloseTo(40 / Math.pow(5, 1 / ServiceTime.Z99), within(1e-9));
        assertThat(ServiceTime.fixed(12.5).atQuantile(3)).isEqualTo(12.5);
    }

    @Test
    void impossibleTimesAreRefused() {
        assertThatThrownBy(() -> ServiceTime.logNormal(50, 20, 1)).hasMessageContaining("needs 0 < median <= p99");
        assertThatThrownBy(() -> ServiceTime.fixed(-1)).hasMessageContaining("must not be negative");
    }
}
