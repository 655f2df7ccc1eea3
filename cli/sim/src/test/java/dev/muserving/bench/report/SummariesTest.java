package dev.muserving.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SummariesTest {

    @Test
    void jainIsOneWhenEveryoneIsEquallySatisfied() {
        assertThat(Summaries.weightedJain(new double[] {0.4, 0.4, 0.4}, new double[] {1, 2, 3})).isCloseTo(1, within(1e-12));
    }

    @Test
    void jainWithEqualWeightsIsTheClassicIndex() {
        // (1 + 0)^2 / (2 * (1 + 0)) = 0.5; (1 + 0.5 + 0)^2 / (3 * 1.25) = 0.6
        assertThat(Summaries.weightedJain(new double[] {1, 0}, new double[] {1, 1})).isCloseTo(0.5, within(1e-12));
        assertThat(Summaries.weightedJain(new double[] {1, 0.5, 0}, new double[] {1, 1, 1})).isCloseTo(0.6, within(1e-12));
    }

    @Test
    void weightsCountAFunctionSeveralTimes() {
        double weighted = Summaries.weightedJain(new double[] {1, 0.5}, new double[] {2, 1});
        double repeated = Summaries.weightedJain(new double[] {1, 1, 0.5}, new double[] {1, 1, 1});
        assertThat(weighted).isCloseTo(repeated, within(1e-12));
    }

    @Test
    void roundsToFixedDecimals() {
        assertThat(Summaries.round(1.23456789, 3)).isEqualTo(1.235);
        assertThat(Summaries.round(2.0000001, 3)).isEqualTo(2.0);
    }
}
