package dev.muserving.bench.report;

import dev.muserving.api.Arch;
import dev.muserving.bench.report.BenchSummary.ArchitectureSummary;
import dev.muserving.bench.report.BenchSummary.Fairness;
import dev.muserving.bench.report.BenchSummary.FunctionSummary;
import dev.muserving.bench.report.BenchSummary.Latency;
import dev.muserving.bench.report.BenchSummary.SystemSummary;
import dev.muserving.bench.sim.FunctionStats;
import dev.muserving.bench.sim.RunResult;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.Histogram;

/** Turns a run's streamed statistics into the numbers of summary.json (definitions in docs/bench.md). */
public final class Summaries {

    private Summaries() {}

    public static SystemSummary of(RunResult run) {
        long timeoutMicros = Math.round(run.requestTimeoutSeconds() * 1e6);
        Histogram all = new Histogram(1, FunctionStats.MAX_LATENCY_MICROS, 3);
        long requests = 0;
        long completed = 0;
        long dropped = 0;
        long violations = 0;
        long coldStarts = 0;
        long podStarts = 0;
        double podSeconds = 0;
        double demandPodSeconds = 0;
        Map<String, long[]> servedByArch = new TreeMap<>();
        Map<String, double[]> podSecondsByArch = new TreeMap<>();
        List<FunctionSummary> functions = new ArrayList<>();
        int n = run.functions().size();
        double[] weights = new double[n];
        double[] demandSatisfaction = new double[n];
        double[] ownDesired = new double[n];
        double[] attainment = new double[n];
        double minDemand = 1;
        double minOwn = 1;
        int i = 0;
        for (RunResult.FunctionResult result : run.functions()) {
            FunctionStats s = result.stats();
            Histogram latency = withDrops(s, timeoutMicros);
            all.add(latency);
            requests += s.requests();
            completed += s.completed();
            dropped += s.dropped();
            violations += s.sloViolations();
            coldStarts += s.coldStarts();
            podStarts += s.podStarts();
            podSeconds += s.podSeconds();
            demandPodSeconds += s.demandSeconds();
            for (Arch arch : Arch.values()) {
                servedByArch.computeIfAbsent(arch.label(), a -> new long[1])[0] += s.served(arch);
                podSecondsByArch.computeIfAbsent(arch.label(), a -> new double[1])[0] += s.podSeconds(arch);
            }
            weights[i] = result.function().spec().weight();
            demandSatisfaction[i] = s.demandSatisfaction();
            ownDesired[i] = s.ownDesiredSatisfaction();
            attainment[i] = 1 - (s.requests() == 0 ? 0 : (double) s.sloViolations() / s.requests());
            if (s.hadDemand()) {
                minDemand = Math.min(minDemand, demandSatisfaction[i]);
            }
            minOwn = Math.min(minOwn, ownDesired[i]);
            functions.add(new FunctionSummary(
                    result.function().name(),
                    s.requests(),
                    s.dropped(),
                    millis(latency, 50),
                    millis(latency, 99),
                    round(result.function().spec().sloP99Ms(), 3),
                    rate(s.sloViolations(), s.requests()),
                    s.coldStarts(),
                    s.podStarts(),
                    round(s.podSeconds(), 3),
                    round(s.demandSeconds(), 3),
                    round(demandSatisfaction[i], 6),
                    round(ownDesired[i], 6)));
            i++;
        }
        Map<String, ArchitectureSummary> byArch = new TreeMap<>();
        servedByArch.forEach((arch, served) ->
                byArch.put(arch, new ArchitectureSummary(served[0], round(podSecondsByArch.get(arch)[0], 3))));
        return new SystemSummary(
                requests,
                completed,
                dropped,
                new Latency(millis(all, 50), millis(all, 95), millis(all, 99),
                        all.getTotalCount() == 0 ? 0 : round(all.getMaxValue() / 1000.0, 3)),
                rate(violations, requests),
                round(weightedJain(attainment, weights), 6),
                coldStarts,
                podStarts,
                round(podSeconds, 3),
                round(demandPodSeconds, 3),
                round(podSeconds / run.simulatedSeconds(), 3),
                new Fairness(round(weightedJain(demandSatisfaction, weights), 6), round(minDemand, 6),
                        round(weightedJain(ownDesired, weights), 6), round(minOwn, 6)),
                byArch,
                functions);
    }

    /** A function's latencies with each dropped request counted at the timeout: what its callers waited. */
    private static Histogram withDrops(FunctionStats stats, long timeoutMicros) {
        Histogram latency = new Histogram(1, FunctionStats.MAX_LATENCY_MICROS, 3);
        latency.add(stats.latencyMicros());
        if (stats.dropped() > 0) {
            latency.recordValueWithCount(Math.max(1, Math.min(FunctionStats.MAX_LATENCY_MICROS, timeoutMicros)), stats.dropped());
        }
        return latency;
    }

    /**
     * Jain's fairness index with weights: (Σ w·x)² / (Σ w · Σ w·x²). It is 1 when every function has
     * the same satisfaction and falls toward the weighted share of the best-served ones as they diverge;
     * with equal weights it is Jain's (Σ x)² / (n Σ x²).
     */
    public static double weightedJain(double[] values, double[] weights) {
        double weighted = 0;
        double weightSum = 0;
        double squares = 0;
        for (int i = 0; i < values.length; i++) {
            weighted += weights[i] * values[i];
            weightSum += weights[i];
            squares += weights[i] * values[i] * values[i];
        }
        return squares == 0 ? 1 : weighted * weighted / (weightSum * squares);
    }

    private static double millis(AbstractHistogram histogram, double percentile) {
        return histogram.getTotalCount() == 0 ? 0 : round(histogram.getValueAtPercentile(percentile) / 1000.0, 3);
    }

    private static double rate(long part, long whole) {
        return whole == 0 ? 0 : round((double) part / whole, 6);
    }

    /** Fixed decimals so that the same run prints the same digits. */
    public static double round(double value, int decimals) {
        return BigDecimal.valueOf(value).setScale(decimals, RoundingMode.HALF_EVEN).doubleValue();
    }
}
