package dev.muserving.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * seeds.json: one scenario run with several seeds, each figure of each system as its median over
 * the seeds and a distribution-free confidence interval for that median (order statistics of the
 * seeds' values, docs/bench.md), with the share of the interval's coverage it really has (95 % needs
 * at least 6 seeds; with 5 it is the range, 93.75 %). With {@code knative} among the systems, every
 * figure also has its ratio to Knative's, taken seed by seed.
 */
public record SeedsSummary(String scenario, List<Long> seeds, double coverage, Map<String, Map<String, Figure>> systems,
        Map<String, Map<String, Figure>> ratioToKnative) {

    /** A figure over the seeds: median, the interval's ends, and each seed's value in the seeds' order. */
    public record Figure(double median, double low, double high, List<Double> values) {}

    public static SeedsSummary of(List<BenchSummary> runs) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("no runs");
        }
        List<Long> seeds = runs.stream().map(BenchSummary::seed).toList();
        int n = runs.size();
        int k = lowerRank(n);
        Map<String, Map<String, Figure>> systems = new LinkedHashMap<>();
        Map<String, Map<String, Figure>> ratios = new LinkedHashMap<>();
        boolean withKnative = runs.get(0).systems().containsKey("knative");
        for (String system : runs.get(0).systems().keySet()) {
            Map<String, Figure> figures = new LinkedHashMap<>();
            Map<String, Figure> ratio = new LinkedHashMap<>();
            Measures.FIGURES.forEach((name, value) -> {
                List<Double> values = new ArrayList<>();
                List<Double> ratioValues = new ArrayList<>();
                for (BenchSummary run : runs) {
                    double v = value.applyAsDouble(run.systems().get(system));
                    values.add(v);
                    if (withKnative) {
                        double base = value.applyAsDouble(run.systems().get("knative"));
                        ratioValues.add(Measures.ratio(v, base));
                    }
                }
                figures.put(name, figure(values, k));
                if (withKnative) {
                    ratio.put(name, figure(ratioValues, k));
                }
            });
            systems.put(system, figures);
            if (withKnative) {
                ratios.put(system, ratio);
            }
        }
        return new SeedsSummary(runs.get(0).scenario(), seeds, Summaries.round(coverage(n, k), 6), systems, ratios);
    }

    static Figure figure(List<Double> values, int k) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new Figure(median(sorted), sorted[k - 1], sorted[sorted.length - k], List.copyOf(values));
    }

    static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /**
     * The rank k of the interval [x(k), x(n+1-k)] for the median: the largest k whose coverage,
     * 1 − 2·P(Binomial(n, ½) ≤ k − 1), is still at least 95 %; 1 (the range) when no k reaches it.
     */
    static int lowerRank(int n) {
        int k = 1;
        while (k + 1 <= (n + 1) / 2 && coverage(n, k + 1) >= 0.95) {
            k++;
        }
        return k;
    }

    static double coverage(int n, int k) {
        double below = 0;
        double choose = 1;
        for (int i = 0; i <= k - 1; i++) {
            below += choose;
            choose = choose * (n - i) / (i + 1);
        }
        return Math.max(0, 1 - 2 * below / Math.pow(2, n));
    }
}
