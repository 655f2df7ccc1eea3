package dev.muserving.bench.sim;

import static dev.muserving.bench.sim.TestSystems.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.muserving.api.testing.Repository;
import dev.muserving.bench.Systems;
import dev.muserving.bench.input.ScenarioLoader;
import dev.muserving.bench.report.BenchSummary.SystemSummary;
import dev.muserving.bench.report.Summaries;
import dev.muserving.bench.scenario.Scenario;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The simulator as a test: on the shipped scenarios, seed 1, Mu against Knative by the measures
 * of docs/bench.md ("Measuring honestly"), at the margins it reaches on seeds 1–3, weaknesses
 * included; a regression in any policy shows up here. The shipped scenarios are what the policies
 * were tuned on: they guard against regressions, they do not show that Mu generalises.
 */
class MuAgainstKnativeTest {

    private static SystemSummary[] knativeAndMu(String scenarioFile) {
        Scenario scenario = new ScenarioLoader(ScenarioLoader.StrictMode.STRICT, w -> {})
                .load(Repository.path("deploy", "scenarios", scenarioFile)).withSeed(1);
        return new SystemSummary[] {
            Summaries.of(run(scenario, Systems.get(Systems.KNATIVE))),
            Summaries.of(run(scenario, Systems.get(Systems.MU)))
        };
    }

    /**
     * Seed 1, against the faithful Knative baseline (1 s metric lag, per-revision activators,
     * topology spreading, a new revision's pod kept 90 s): Mu is a little fairer (0.988 against
     * 0.967) and serves its worst-off function better (0.666 against 0.462), with 0.17x the tail,
     * 0.46x the SLO violations, 0.98x the pod-seconds and 1.04x the pod starts; neither drops a
     * request. The margins are those that hold on seeds 1–3 (docs/bench.md, "Mu against Knative,
     * three seeds") where they can: one draw of the requests moves the figures (pod starts
     * 0.97–1.08x; 0.87–1.14x before Mu's balancers spread over pods near the best, 2026-12-06), so a
     * margin set on one seed's figure alone would test the draw, not the policies. Weakness: seed 3
     * drops 57 requests.
     */
    @Test
    void edgeContentionHasAShorterTailFewerViolationsAndNoMorePodSeconds() {
        SystemSummary[] s = knativeAndMu("edge-contention.yaml");
        SystemSummary knative = s[0];
        SystemSummary mu = s[1];
        assertThat(mu.fairness().demandJain()).isGreaterThanOrEqualTo(knative.fairness().demandJain());
        assertThat(mu.fairness().minSatisfaction()).isGreaterThan(knative.fairness().minSatisfaction());
        assertThat(mu.latencyMs().p99()).isLessThan(0.35 * knative.latencyMs().p99());
        assertThat(mu.podSeconds()).isLessThan(knative.podSeconds());
        assertThat(mu.sloViolationRate()).isLessThan(knative.sloViolationRate() * 0.5);
        assertThat(mu.dropped()).isLessThan(mu.requests() / 10_000);
        assertThat((double) mu.podStarts()).isLessThan(1.1 * knative.podStarts());
    }

    /**
     * Seed 1: 0.31x the tail, 0.43x the SLO violations, no drops against Knative's 5,393, the
     * worst-off function at 0.71 against 0.62, 1.01x the pod-seconds and 0.68x the pod starts;
     * margins as on seeds 1–3 (on seed 2 Mu starts 1.06x the pods and its worst-off function is
     * 0.569 against 0.560).
     */
    @Test
    void azureSampleHasAFractionOfTheTailAndFewerViolationsAndDrops() {
        SystemSummary[] s = knativeAndMu("azure-sample.yaml");
        SystemSummary knative = s[0];
        SystemSummary mu = s[1];
        assertThat(mu.latencyMs().p99()).isLessThan(0.45 * knative.latencyMs().p99());
        assertThat(mu.sloViolationRate()).isLessThan(0.5 * knative.sloViolationRate());
        assertThat(mu.sloAttainmentJain()).isGreaterThan(knative.sloAttainmentJain());
        assertThat(mu.fairness().demandJain()).isGreaterThan(0.98).isGreaterThan(knative.fairness().demandJain());
        assertThat(mu.fairness().minSatisfaction()).isGreaterThan(knative.fairness().minSatisfaction());
        assertThat(mu.dropped()).isLessThan(knative.dropped() / 2);
        assertThat(mu.podSeconds()).isLessThanOrEqualTo(1.03 * knative.podSeconds());
        assertThat((double) mu.podStarts()).isLessThan(1.05 * knative.podStarts());
    }
}
