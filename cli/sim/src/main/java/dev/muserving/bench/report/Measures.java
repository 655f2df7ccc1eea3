package dev.muserving.bench.report;

import dev.muserving.bench.report.BenchSummary.SystemSummary;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/** The figures of summary.json that multi-seed and family runs report, by name, and which way is better. */
public final class Measures {

    public static final Map<String, ToDoubleFunction<SystemSummary>> FIGURES = figures();

    /** The figures where more is better; for the others less is. */
    public static final Set<String> HIGHER_IS_BETTER = Set.of("sloAttainmentJain", "demandJain", "minSatisfaction");

    private Measures() {}

    private static Map<String, ToDoubleFunction<SystemSummary>> figures() {
        Map<String, ToDoubleFunction<SystemSummary>> f = new LinkedHashMap<>();
        f.put("p50Ms", s -> s.latencyMs().p50());
        f.put("p99Ms", s -> s.latencyMs().p99());
        f.put("sloViolationRate", SystemSummary::sloViolationRate);
        f.put("sloAttainmentJain", SystemSummary::sloAttainmentJain);
        f.put("dropped", SystemSummary::dropped);
        f.put("coldStartRequests", SystemSummary::coldStartRequests);
        f.put("podStarts", SystemSummary::podStarts);
        f.put("podSeconds", SystemSummary::podSeconds);
        f.put("demandJain", s -> s.fairness().demandJain());
        f.put("minSatisfaction", s -> s.fairness().minSatisfaction());
        return Collections.unmodifiableMap(f);
    }

    /** {@code value} ÷ {@code base}: 1 when both are 0, infinite when only the base is. */
    public static double ratio(double value, double base) {
        return base == 0 ? (value == 0 ? 1.0 : Double.POSITIVE_INFINITY) : Summaries.round(value / base, 6);
    }

    /** Whether {@code value} is at least as good as {@code base} for this figure. */
    public static boolean noWorse(String figure, double value, double base) {
        return HIGHER_IS_BETTER.contains(figure) ? value >= base : value <= base;
    }
}
