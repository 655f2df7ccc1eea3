package dev.muserving.lbbench;

import dev.muserving.lbbench.LbBench.FixedRun;
import dev.muserving.lbbench.LbBench.RateFigures;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * One target's runs at one fixed rate, one per round ({@code --fixed-rate-rounds}). Its figures are
 * medians over the rounds: a spell of a few hundred milliseconds in one 10-second run, which every
 * balancer had at some time on a small VM, moves that round's p99 and not the median.
 */
public record RateRounds(List<FixedRun> rounds) {

    public RateRounds {
        if (rounds.isEmpty()) {
            throw new IllegalArgumentException("a target at a fixed rate needs at least one run");
        }
        rounds = List.copyOf(rounds);
    }

    /** The counted figures: each rate and percentile the median over the rounds, errors and requests summed. */
    public RateFigures counted() {
        return median(rounds.stream().map(FixedRun::counted).toList());
    }

    /** The first seconds of each run, not counted, summarised the same way. */
    public RateFigures start() {
        return median(rounds.stream().map(FixedRun::start).toList());
    }

    /** Whether the load generator fell behind the rate in any round. */
    boolean generatorLimited(LbBench.Rate rate) {
        return rounds.stream().anyMatch(run -> rate.generatorLimited(run.counted()));
    }

    /** This target's p99 less {@code base}'s in the same round, round by round: what the target added. */
    public double[] p99Over(RateRounds base) {
        if (base.rounds.size() != rounds.size()) {
            throw new IllegalArgumentException(rounds.size() + " rounds against " + base.rounds.size());
        }
        double[] added = new double[rounds.size()];
        for (int i = 0; i < added.length; i++) {
            added[i] = rounds.get(i).counted().p99Ms() - base.rounds.get(i).counted().p99Ms();
        }
        return added;
    }

    private static RateFigures median(List<RateFigures> figures) {
        return new RateFigures(median(figures, RateFigures::achievedRps), median(figures, RateFigures::p50Ms),
                median(figures, RateFigures::p99Ms), median(figures, RateFigures::p999Ms),
                figures.stream().mapToLong(RateFigures::errors).sum(), figures.stream().mapToLong(RateFigures::requests).sum());
    }

    private static double median(List<RateFigures> figures, ToDoubleFunction<RateFigures> figure) {
        return median(figures.stream().mapToDouble(figure).toArray());
    }

    /** The middle value, or the mean of the middle two. */
    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
