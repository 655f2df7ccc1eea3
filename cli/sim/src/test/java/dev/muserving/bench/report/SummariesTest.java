package dev.muserving.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.muserving.api.Arch;
import dev.muserving.api.FunctionSpec;
import dev.muserving.bench.report.BenchSummary.SystemSummary;
import dev.muserving.bench.scenario.ArrivalSpec;
import dev.muserving.bench.scenario.FunctionModel;
import dev.muserving.bench.scenario.LatencyDistribution;
import dev.muserving.bench.sim.FunctionStats;
import dev.muserving.bench.sim.RunResult;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

    private static RunResult.FunctionResult function(String name, int fast, int dropped, double demandServed) {
        FunctionModel model = new FunctionModel(new FunctionSpec(name, 1, 100, 64, Set.of(Arch.AMD64), 100, 1, 0, 5),
                new ArrivalSpec.Poisson(1), Map.of(Arch.AMD64, new LatencyDistribution(10, 20)), 1, "test");
        FunctionStats stats = new FunctionStats();
        for (int i = 0; i < fast + dropped; i++) {
            stats.recordArrival(false);
        }
        for (int i = 0; i < fast; i++) {
            stats.recordLatency(0.010, 0.1);
        }
        for (int i = 0; i < dropped; i++) {
            stats.recordDrop();
        }
        stats.recordDemand(1, demandServed, 100);
        return new RunResult.FunctionResult(model, stats);
    }

    @Test
    void aDroppedRequestCountsAtTheTimeoutAndAsAViolation() {
        SystemSummary s = Summaries.of(new RunResult("x", 100, 60, List.of(function("a", 97, 3, 1)), new RunResult.RunFootprint(0, 0)));
        assertThat(s.latencyMs().p50()).isCloseTo(10, within(0.1));
        assertThat(s.latencyMs().p99()).as("3 % of the requests waited the whole 60 s timeout").isCloseTo(60_000, within(60.0));
        assertThat(s.functions().get(0).p99Ms()).isEqualTo(s.latencyMs().p99());
        assertThat(s.sloViolationRate()).isEqualTo(0.03);
    }

    @Test
    void fairnessIsOfTheDemandAndSloAttainmentIsJainOverFunctions() {
        SystemSummary s = Summaries.of(new RunResult("x", 100, 60,
                List.of(function("a", 100, 0, 1), function("b", 50, 50, 0.5)), new RunResult.RunFootprint(0, 0)));
        assertThat(s.fairness().minSatisfaction()).isEqualTo(0.5);
        assertThat(s.fairness().demandJain()).isCloseTo(Summaries.weightedJain(new double[] {1, 0.5}, new double[] {1, 1}), within(1e-6));
        // attainment 1 and 0.5
        assertThat(s.sloAttainmentJain()).isCloseTo(0.9, within(1e-6));
        assertThat(s.functions().get(1).satisfaction()).isEqualTo(0.5);
    }
}
