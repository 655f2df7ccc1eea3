package dev.muserving.bench.report;

import java.util.List;
import java.util.Map;

/**
 * summary.json: one scenario, one seed, every system side by side. Field names and meanings are
 * documented in docs/bench.md; the same seed gives the same file apart from {@code wallSeconds}.
 */
public record BenchSummary(
        String scenario, long seed, double simulatedSeconds, double wallSeconds, Map<String, SystemSummary> systems) {

    /**
     * @param latencyMs over every request, a dropped one counted at the request timeout
     * @param sloViolationRate requests slower than their function's SLO or dropped, over all requests
     * @param sloAttainmentJain Jain's index (weighted) over the functions' SLO attainment (1 − violation rate)
     * @param coldStartRequests requests that arrived while their function had no ready pod
     * @param demandPodSeconds the pod-seconds the offered load's work fills at full concurrency on
     *     the fastest architecture: the same for every system, a floor to read {@code podSeconds} against
     */
    public record SystemSummary(
            long requests,
            long completed,
            long dropped,
            Latency latencyMs,
            double sloViolationRate,
            double sloAttainmentJain,
            long coldStartRequests,
            long podStarts,
            double podSeconds,
            double demandPodSeconds,
            double meanPods,
            Fairness fairness,
            Map<String, ArchitectureSummary> byArchitecture,
            List<FunctionSummary> functions) {}

    public record Latency(double p50, double p95, double p99, double max) {}

    /**
     * @param demandJain Jain's index (weighted) over the functions' satisfaction of the
     *     system-independent demand (docs/bench.md, "Measuring honestly")
     * @param minSatisfaction the worst-served function's satisfaction of that demand
     * @param ownDesiredJain, ownDesiredMinSatisfaction the same against each system's own autoscaler
     *     output: not comparable across systems, kept to show why
     */
    public record Fairness(double demandJain, double minSatisfaction, double ownDesiredJain, double ownDesiredMinSatisfaction) {}

    public record ArchitectureSummary(long requests, double podSeconds) {}

    /**
     * p50 and p99 count a dropped request at the timeout; satisfaction is of the system-independent
     * demand, whose work fills {@code demandPodSeconds}.
     */
    public record FunctionSummary(
            String name,
            long requests,
            long dropped,
            double p50Ms,
            double p99Ms,
            double sloP99Ms,
            double sloViolationRate,
            long coldStartRequests,
            long podStarts,
            double podSeconds,
            double demandPodSeconds,
            double satisfaction,
            double ownDesiredSatisfaction) {}
}
