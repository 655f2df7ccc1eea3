package dev.muserving.autoscaler.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HoltForecasterTest {

    @Test
    void aConstantSeriesForecastsItself() {
        HoltForecaster holt = new HoltForecaster(0.3, 0.1, 0.9);
        for (int t = 0; t < 50; t++) {
            holt.observe(42);
        }
        assertThat(holt.forecast(5)).isCloseTo(42, within(1e-9));
    }

    @Test
    void anUndampedForecasterExtrapolatesARamp() {
        HoltForecaster holt = new HoltForecaster(0.3, 0.1, 1.0);
        double last = 0;
        for (int t = 0; t < 300; t++) {
            last = 10 + 2 * t;
            holt.observe(last);
        }
        assertThat(holt.forecast(5)).isCloseTo(last + 10, within(0.01));
    }

    @Test
    void dampingLimitsHowFarATrendIsProjected() {
        HoltForecaster holt = new HoltForecaster(0.3, 0.1, 0.9);
        double last = 0;
        for (int t = 0; t < 300; t++) {
            last = 10 + 2 * t;
            holt.observe(last);
        }
        // damped sum 0.9 + 0.81 + ... (5 terms) = 3.69 steps of trend
        double forecast = holt.forecast(5);
        assertThat(forecast).isGreaterThan(last).isLessThan(last + 10);
        assertThat(holt.forecast(1000)).isLessThan(last + 2 * 10);
    }

    @Test
    void noisyLevelIsTrackedWithoutBias() {
        HoltForecaster holt = new HoltForecaster(0.3, 0.1, 0.9);
        SplittableRandom random = new SplittableRandom(4);
        double sum = 0;
        for (int t = 0; t < 5000; t++) {
            holt.observe(100 + 10 * random.nextGaussian());
            if (t >= 1000) {
                sum += holt.forecast(5);
            }
        }
        assertThat(sum / 4000).isCloseTo(100, within(1.0));
    }

    @Test
    void neverForecastsANegativeRate() {
        HoltForecaster holt = new HoltForecaster(0.3, 0.1, 1.0);
        for (int t = 0; t < 20; t++) {
            holt.observe(Math.max(0, 50 - 10 * t));
        }
        assertThat(holt.forecast(50)).isZero();
        assertThat(new HoltForecaster(0.3, 0.1, 0.9).forecast(5)).isZero();
    }
}
