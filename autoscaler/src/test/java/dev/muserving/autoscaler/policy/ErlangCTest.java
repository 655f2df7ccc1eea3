package dev.muserving.autoscaler.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ErlangCTest {

    @Test
    void twoServersAtHalfLoadWaitOneTimeInThree() {
        // M/M/2, a = 1 Erlang: B = 0.5 / 2.5 = 0.2, C = 2 * 0.2 / (2 - 0.8) = 1/3
        assertThat(ErlangC.waitProbability(2, 1, 1)).isCloseTo(1.0 / 3, within(1e-12));
    }

    @Test
    void oneServerWaitsWithProbabilityRho() {
        assertThat(ErlangC.waitProbability(1, 0.7, 1)).isCloseTo(0.7, within(1e-12));
        assertThat(ErlangC.waitProbability(3, 3, 1)).isEqualTo(1);
    }

    @Test
    void theWaitQuantileIsExponentialBeyondTheWaitProbability() {
        // M/M/1, rho 0.5: P(W > t) = 0.5 e^{-0.5 t}; p99 at ln(50) / 0.5
        assertThat(ErlangC.waitQuantile(1, 0.5, 1, 0.99)).isCloseTo(Math.log(50) / 0.5, within(1e-9));
        assertThat(ErlangC.waitQuantile(10, 1, 1, 0.99)).as("C below 1 %: no wait at p99").isZero();
        assertThat(ErlangC.waitQuantile(2, 5, 1, 0.99)).isEqualTo(Double.POSITIVE_INFINITY);
    }

    @Test
    void aKnownSizingPoint() {
        // 100 rps at 20/s per server: 7 servers wait at most 87 ms at p99, 6 servers 204 ms.
        assertThat(ErlangC.waitQuantile(7, 100, 20, 0.99)).isCloseTo(0.08697, within(1e-4));
        assertThat(ErlangC.waitQuantile(6, 100, 20, 0.99)).isCloseTo(0.20367, within(1e-4));
    }
}
