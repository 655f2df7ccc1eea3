package dev.muserving.bench.report;

import java.util.List;
import java.util.Map;

/**
 * summary.json: one scenario, one seed, every system side by side. Field names and meanings are
 * documented in docs/bench.md; the same seed gives the same file apart from {@code wallSeconds}.
 */
public record BenchSummary(
        String scenario, long seed, double simulatedSeconds, double wallSeconds, Map<String, SystemSummary> systems) {

    public record SystemSummary(
            long requests,
            long completed,
            long dropped,
            Latency latencyMs,
            double sloViolationRate,
            long coldStarts,
            long podStarts,
            double podSeconds,
            double meanPods,
            Fairness fairness,
            Map<String, ArchitectureSummary> byArchitecture,
            List<FunctionSummary> functions) {}

    public record Latency(double p50, double p95, double p99, double max) {}

    public record Fairness(double jain, double minSatisfaction) {}

    public record ArchitectureSummary(long requests, double podSeconds) {}

    public record FunctionSummary(
            String name,
            long requests,
            double p99Ms,
            double sloP99Ms,
            double sloViolationRate,
            double podSeconds,
            double satisfaction) {}
}
