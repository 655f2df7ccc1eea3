package dev.muserving.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * family.json: every system on each scenario of a generated family, and per figure the distribution
 * over the scenarios of each system's ratio to the baseline's in the same scenario (docs/bench.md,
 * "Scenario families").
 *
 * @param ratios figure → system → the ratio's distribution; the baseline itself is left out
 */
public record FamilySummary(long familySeed, int scenarios, String baseline, List<String> systems,
        Map<String, Map<String, Ratio>> ratios, List<ScenarioResult> results) {

    /**
     * @param median, p10, p90 of the per-scenario ratios (linear interpolation between order statistics)
     * @param noWorse scenarios where the system's figure is at least as good as the baseline's
     * @param values each scenario's ratio, in the scenarios' order
     */
    public record Ratio(double median, double p10, double p90, int noWorse, int of, List<Double> values) {}

    /**
     * One scenario as drawn and every system's figures on it.
     *
     * @param figures system → figure → value, as in summary.json
     */
    public record ScenarioResult(String name, long seed, int amd64Nodes, int arm64Nodes, double capacityCores,
            double load, double realizedLoad, int functions, double offeredRps, Map<String, Map<String, Double>> figures) {}

    public static FamilySummary of(long familySeed, String baseline, List<ScenarioResult> results) {
        if (results.isEmpty()) {
            throw new IllegalArgumentException("no scenarios");
        }
        List<String> systems = new ArrayList<>(results.get(0).figures().keySet());
        if (!systems.contains(baseline)) {
            throw new IllegalArgumentException("the baseline " + baseline + " is not among the systems " + systems);
        }
        Map<String, Map<String, Ratio>> ratios = new LinkedHashMap<>();
        for (String figure : Measures.FIGURES.keySet()) {
            Map<String, Ratio> bySystem = new LinkedHashMap<>();
            for (String system : systems) {
                if (system.equals(baseline)) {
                    continue;
                }
                List<Double> values = new ArrayList<>();
                int noWorse = 0;
                for (ScenarioResult result : results) {
                    double value = result.figures().get(system).get(figure);
                    double base = result.figures().get(baseline).get(figure);
                    values.add(Measures.ratio(value, base));
                    noWorse += Measures.noWorse(figure, value, base) ? 1 : 0;
                }
                double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
                bySystem.put(system, new Ratio(quantile(sorted, 0.5), quantile(sorted, 0.1), quantile(sorted, 0.9),
                        noWorse, results.size(), List.copyOf(values)));
            }
            ratios.put(figure, bySystem);
        }
        return new FamilySummary(familySeed, results.size(), baseline, systems, ratios, List.copyOf(results));
    }

    /** The q-quantile of sorted values, interpolating linearly between neighbours (R's type 7). */
    static double quantile(double[] sorted, double q) {
        double position = q * (sorted.length - 1);
        int low = (int) Math.floor(position);
        int high = (int) Math.ceil(position);
        if (sorted[low] == sorted[high] || Double.isInfinite(sorted[high])) {
            return sorted[high];
        }
        return Summaries.round(sorted[low] + (sorted[high] - sorted[low]) * (position - low), 6);
    }

    /** A system's figures as family.json keeps them. */
    public static Map<String, Double> figures(BenchSummary.SystemSummary summary) {
        Map<String, Double> figures = new LinkedHashMap<>();
        Measures.FIGURES.forEach((name, value) -> figures.put(name, value.applyAsDouble(summary)));
        return figures;
    }
}
