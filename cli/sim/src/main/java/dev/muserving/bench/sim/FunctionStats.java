package dev.muserving.bench.sim;

import dev.muserving.api.Arch;
import java.util.Map;
import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.IntCountsHistogram;

/**
 * What a run measured for one function, streamed: a latency histogram and running sums, never a
 * list of requests.
 */
public final class FunctionStats {

    /** Latencies are recorded in microseconds up to an hour, to three significant digits. */
    public static final long MAX_LATENCY_MICROS = 3_600_000_000L;

    final AbstractHistogram latencyMicros = new IntCountsHistogram(1, MAX_LATENCY_MICROS, 3);
    long requests;
    long completed;
    long dropped;
    long sloViolations;
    long coldStarts;
    long podStarts;
    final long[] servedByArch = new long[Arch.values().length];
    final double[] podSecondsByArch = new double[Arch.values().length];
    double desiredSeconds;
    double satisfiedSeconds;
    double demandSeconds;
    double demandServedSeconds;

    /** A request arrived; {@code cold} when no pod was ready for it (a cold start). */
    public void recordArrival(boolean cold) {
        requests++;
        if (cold) {
            coldStarts++;
        }
    }

    /** A request that never got an answer (timed out, refused, or failed). */
    public void recordDrop() {
        dropped++;
    }

    public void recordPodStarts(long starts) {
        podStarts += starts;
    }

    /**
     * One sample of the pods over {@code seconds}: running per architecture, and the pods wanted
     * against those the function had (ready or starting, up to the wanted count).
     */
    public void recordPods(Map<Arch, Integer> runningByArch, int desired, int satisfied, double seconds) {
        runningByArch.forEach((arch, pods) -> podSecondsByArch[arch.ordinal()] += pods * seconds);
        desiredSeconds += desired * seconds;
        satisfiedSeconds += Math.min(satisfied, desired) * seconds;
    }

    /**
     * One sample of the system-independent demand over {@code seconds}: the pods' worth of work the
     * offered load needs, against the capacity of the ready pods (each weighted by its architecture's speed).
     */
    public void recordDemand(double demandPods, double capacityPods, double seconds) {
        demandSeconds += demandPods * seconds;
        demandServedSeconds += Math.min(demandPods, capacityPods) * seconds;
    }

    public void recordLatency(double seconds, double sloSeconds) {
        completed++;
        long micros = Math.max(1, Math.min(MAX_LATENCY_MICROS, Math.round(seconds * 1e6)));
        latencyMicros.recordValue(micros);
        if (seconds > sloSeconds) {
            sloViolations++;
        }
    }

    /** A completed request ran on a pod of {@code arch}. */
    public void recordServedOn(Arch arch) {
        servedByArch[arch.ordinal()]++;
    }

    public AbstractHistogram latencyMicros() {
        return latencyMicros;
    }

    public long requests() {
        return requests;
    }

    public long completed() {
        return completed;
    }

    public long dropped() {
        return dropped;
    }

    /** Completed requests slower than the SLO, plus dropped ones: none of them met it. */
    public long sloViolations() {
        return sloViolations + dropped;
    }

    public long coldStarts() {
        return coldStarts;
    }

    public long podStarts() {
        return podStarts;
    }

    public long served(Arch arch) {
        return servedByArch[arch.ordinal()];
    }

    public double podSeconds(Arch arch) {
        return podSecondsByArch[arch.ordinal()];
    }

    public double podSeconds() {
        double total = 0;
        for (double s : podSecondsByArch) {
            total += s;
        }
        return total;
    }

    /**
     * Allocated over the system's own desired replicas, averaged over time and weighted by demand:
     * the integral of min(allocated, desired) over the integral of desired; 1 for a function that
     * never wanted a pod. It scores each system against its own autoscaler, so it is reported only
     * as {@code ownDesired}, never compared across systems.
     */
    public double ownDesiredSatisfaction() {
        return desiredSeconds == 0 ? 1 : satisfiedSeconds / desiredSeconds;
    }

    /**
     * The integral of min(capacity, demand) over the integral of demand, where demand is the same for
     * every system replaying the same arrivals (docs/bench.md, "Measuring honestly"); 1 without demand.
     */
    public double demandSatisfaction() {
        return demandSeconds == 0 ? 1 : demandServedSeconds / demandSeconds;
    }

    /** The integral of the demand over the run, in pod-seconds of the fastest architecture. */
    public double demandSeconds() {
        return demandSeconds;
    }

    public boolean hadDemand() {
        return demandSeconds > 0;
    }
}
