package dev.muserving.bench.sim;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * A function's offered load over time, in pods of its fastest architecture: the busy servers of an
 * infinite-server queue fed by the shared arrival stream. Each arrival keeps {@code podsPerArrival}
 * of a pod busy for the mean service time from the moment it arrives. So a 10 s request is 10 s of
 * one slot, not 10 pods for the second it arrived in: with one-second samples a rare long request
 * would otherwise ask for more pods than any system should keep for it. The arrivals of a sample
 * are taken as spread evenly over it; the average over a run is the same either way (rate × service
 * time), only when the work falls differs.
 */
public final class OfferedLoad {

    private final double serviceSeconds;
    private final double podsPerArrival;
    /** Arrivals whose work may still fall in a later sample: {from, to, arrivals}, oldest first. */
    private final Deque<double[]> recent = new ArrayDeque<>();

    OfferedLoad(double serviceSeconds, double podsPerArrival) {
        if (!(serviceSeconds > 0) || !(podsPerArrival > 0)) {
            throw new IllegalArgumentException("need a positive service time and pods per arrival, got "
                    + serviceSeconds + " s and " + podsPerArrival);
        }
        this.serviceSeconds = serviceSeconds;
        this.podsPerArrival = podsPerArrival;
    }

    /**
     * Counts {@code arrivals} as spread over [from, to] and returns the mean offered pods over that
     * span, with the work still running from earlier samples' arrivals.
     */
    public double sample(double from, double to, long arrivals) {
        if (!(to > from)) {
            throw new IllegalArgumentException("a sample needs to > from, got [" + from + ", " + to + "]");
        }
        if (arrivals > 0) {
            recent.addLast(new double[] {from, to, arrivals});
        }
        double busySeconds = 0;
        for (double[] batch : recent) {
            busySeconds += batch[2] / (batch[1] - batch[0]) * overlapIntegral(batch[0], batch[1], from, to);
        }
        while (!recent.isEmpty() && recent.peekFirst()[1] + serviceSeconds <= to) {
            recent.removeFirst(); // its last arrival's work is done by the end of this sample
        }
        return busySeconds * podsPerArrival / (to - from);
    }

    /**
     * ∫ over arrival times u in [u0, u1] of how long [u, u + service] overlaps [a, b]. The overlap is
     * piecewise linear in u with corners at a − service, a, b − service and b, so the trapezoid rule
     * over those corners is exact.
     */
    private double overlapIntegral(double u0, double u1, double a, double b) {
        double[] corners = {u0, a - serviceSeconds, a, b - serviceSeconds, b, u1};
        Arrays.sort(corners);
        double total = 0;
        for (int i = 0; i + 1 < corners.length; i++) {
            double lo = Math.max(u0, corners[i]);
            double hi = Math.min(u1, corners[i + 1]);
            if (hi > lo) {
                total += (hi - lo) * (overlap(lo, a, b) + overlap(hi, a, b)) / 2;
            }
        }
        return total;
    }

    private double overlap(double u, double a, double b) {
        return Math.max(0, Math.min(u + serviceSeconds, b) - Math.max(u, a));
    }
}
