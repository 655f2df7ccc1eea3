package dev.muserving.bench.report;

import dev.muserving.bench.report.BenchSummary.SystemSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** The side-by-side table `mu bench` prints: one column per system, one row per measure. */
public final class ComparisonTable {

    private ComparisonTable() {}

    public static String render(BenchSummary summary) {
        List<String> systems = new ArrayList<>(summary.systems().keySet());
        List<Row> rows = List.of(
                row("requests", s -> count(s.requests())),
                row("completed", s -> count(s.completed())),
                row("dropped", s -> count(s.dropped())),
                row("p50 latency (ms)*", s -> number(s.latencyMs().p50())),
                row("p95 latency (ms)*", s -> number(s.latencyMs().p95())),
                row("p99 latency (ms)*", s -> number(s.latencyMs().p99())),
                row("max latency (ms)*", s -> number(s.latencyMs().max())),
                row("SLO violations*", s -> percent(s.sloViolationRate())),
                row("SLO attainment (Jain)", s -> String.format(Locale.ROOT, "%.3f", s.sloAttainmentJain())),
                row("cold-start requests", s -> count(s.coldStartRequests())),
                row("pod starts", s -> count(s.podStarts())),
                row("pod-seconds", s -> number(s.podSeconds())),
                row("mean pods", s -> number(s.meanPods())),
                row("demand fairness (Jain)", s -> String.format(Locale.ROOT, "%.3f", s.fairness().demandJain())),
                row("min demand satisfaction", s -> String.format(Locale.ROOT, "%.3f", s.fairness().minSatisfaction())));

        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%s — seed %d, %.0f s simulated%n",
                summary.scenario(), summary.seed(), summary.simulatedSeconds()));
        List<String> labels = rows.stream().map(Row::label).toList();
        List<List<String>> cells = rows.stream()
                .map(row -> systems.stream().map(system -> row.cell().apply(summary.systems().get(system))).toList()).toList();
        grid(out, systems, labels, cells, labels.stream().mapToInt(String::length).max().orElse(0));
        out.append("* dropped requests count as violations, and at the request timeout in the latencies (docs/bench.md)\n");
        return out.toString();
    }

    /**
     * The table of a multi-seed run: each figure's median over the seeds and its interval, and, with
     * Knative among the systems, the median of the seed-by-seed ratio to Knative's.
     */
    public static String render(SeedsSummary seeds) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%s — seeds %s: median [interval of the median, %.1f %% coverage]%n",
                seeds.scenario(), seeds.seeds(), seeds.coverage() * 100));
        List<String> systems = new ArrayList<>(seeds.systems().keySet());
        List<String> figures = new ArrayList<>(Measures.FIGURES.keySet());
        List<List<String>> cells = new ArrayList<>();
        for (String figure : figures) {
            List<String> row = new ArrayList<>();
            for (String system : systems) {
                SeedsSummary.Figure f = seeds.systems().get(system).get(figure);
                String cell = String.format(Locale.ROOT, "%s [%s, %s]", compact(f.median()), compact(f.low()), compact(f.high()));
                if (!seeds.ratioToKnative().isEmpty() && !system.equals("knative")) {
                    cell += " " + ratio(seeds.ratioToKnative().get(system).get(figure).median()) + "x";
                }
                row.add(cell);
            }
            cells.add(row);
        }
        grid(out, systems, figures, cells, figures.stream().mapToInt(String::length).max().orElse(0) + 10);
        if (!seeds.ratioToKnative().isEmpty()) {
            out.append("Nx: the median over the seeds of the figure divided by Knative's in the same seed\n");
        }
        return out.toString();
    }

    /**
     * The table of a scenario family: per figure and system, the median of the per-scenario ratio to
     * the baseline, its 10th and 90th percentiles, and in how many scenarios the system is no worse.
     */
    public static String render(FamilySummary family) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "family %d — %d scenarios: figure ÷ %s's in the same scenario, median [p10, p90], no worse in n/%d%n",
                family.familySeed(), family.scenarios(), family.baseline(), family.scenarios()));
        List<String> systems = family.systems().stream().filter(s -> !s.equals(family.baseline())).toList();
        List<String> figures = new ArrayList<>(family.ratios().keySet());
        List<String> labels = figures.stream()
                .map(f -> Measures.HIGHER_IS_BETTER.contains(f) ? f + " (↑)" : f).toList();
        List<List<String>> cells = new ArrayList<>();
        for (String figure : figures) {
            List<String> row = new ArrayList<>();
            for (String system : systems) {
                FamilySummary.Ratio r = family.ratios().get(figure).get(system);
                row.add(String.format(Locale.ROOT, "%sx [%s, %s] %d/%d",
                        ratio(r.median()), ratio(r.p10()), ratio(r.p90()), r.noWorse(), r.of()));
            }
            cells.add(row);
        }
        grid(out, systems, labels, cells, labels.stream().mapToInt(String::length).max().orElse(0));
        out.append("(↑): higher is better; for the others lower is\n");
        return out.toString();
    }

    private static String ratio(double value) {
        return Double.isInfinite(value) ? "inf" : String.format(Locale.ROOT, "%.2f", value);
    }

    /** Rows of cells under one column per system, each column as wide as its widest cell, numbers to the right. */
    private static void grid(StringBuilder out, List<String> columns, List<String> labels, List<List<String>> cells, int labelWidth) {
        int[] widths = new int[columns.size()];
        for (int c = 0; c < columns.size(); c++) {
            widths[c] = columns.get(c).length();
            for (List<String> row : cells) {
                widths[c] = Math.max(widths[c], row.get(c).length());
            }
        }
        out.append(pad("", labelWidth));
        for (int c = 0; c < columns.size(); c++) {
            out.append("  ").append(padLeft(columns.get(c), widths[c]));
        }
        out.append('\n');
        for (int r = 0; r < labels.size(); r++) {
            out.append(pad(labels.get(r), labelWidth));
            for (int c = 0; c < columns.size(); c++) {
                out.append("  ").append(padLeft(cells.get(r).get(c), widths[c]));
            }
            out.append('\n');
        }
    }

    private static String compact(double value) {
        if (value == Math.rint(value)) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        return String.format(Locale.ROOT, Math.abs(value) >= 100 ? "%,.0f" : Math.abs(value) >= 1 ? "%.1f" : "%.3f", value);
    }

    private record Row(String label, Function<SystemSummary, String> cell) {}

    private static Row row(String label, Function<SystemSummary, String> cell) {
        return new Row(label, cell);
    }

    private static String count(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    private static String number(double value) {
        return String.format(Locale.ROOT, value >= 100 ? "%,.0f" : "%.1f", value);
    }

    private static String percent(double rate) {
        return String.format(Locale.ROOT, "%.2f %%", rate * 100);
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(Math.max(0, width - s.length()));
    }

    private static String padLeft(String s, int width) {
        return " ".repeat(Math.max(0, width - s.length())) + s;
    }
}
