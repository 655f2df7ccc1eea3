package dev.muserving.autoscaler.policy;

import dev.muserving.api.MetricSnapshot;
import dev.muserving.api.ReplicaCounts;
import dev.muserving.api.ScalingDecision;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * An autoscaler (Knative's KPA for {@code knative-hist}, Mu's for {@code mu-hist}) sizes the
 * function while it has traffic; when it would leave the function one pod or none, the
 * hybrid-histogram policy of Shahrad et al. ("Serverless in the Wild", USENIX ATC 2020) decides
 * instead when the function holds one pod. Each idle time (from the last second with
 * traffic to the next arrival) goes into a histogram of 1-minute bins over 4 hours. When the
 * histogram is representative (at least {@link #MIN_IDLE_TIMES} idle times, most of them inside its
 * range, and a coefficient of variation of the bin counts of at least {@link #MIN_CV}), the function
 * is unloaded after its traffic and pre-warmed at 90 % of the 5th-percentile idle time, then kept
 * until 110 % of the 99th. Otherwise the paper's standard keep-alive applies: no pre-warm, and one
 * pod kept for the histogram's range, 4 hours (as dslab's implementation of the paper does; the
 * 10 minutes used until 2026-12-06 are the fixed policy the paper compares against, AWS Lambda's).
 * The paper forecasts idle times beyond the range with ARIMA; that is not modelled, and the
 * standard keep-alive applies there too (a run shorter than 4 hours never sees such an idle time).
 * Never reads a clock: time comes with the snapshots and the decisions.
 */
public final class HybridHistogramKeepAlive implements AutoscalingPolicy {

    static final int BINS = 240;
    static final int MIN_IDLE_TIMES = 10;
    static final double MIN_CV = 2.0;
    static final double HEAD = 0.05;
    static final double TAIL = 0.99;
    static final double MARGIN = 0.10;
    static final Duration STANDARD_KEEP_ALIVE = Duration.ofMinutes(BINS);
    /** Traffic this recent means the function is busy: the sizing autoscaler decides alone. */
    private static final Duration BUSY = Duration.ofSeconds(2);

    /** The autoscaler that sizes the function while it has traffic (the KPA, or Mu's). */
    private final AutoscalingPolicy sizing;
    private final long[] bins = new long[BINS];
    private long idleTimes;
    private long beyondRange;
    private Instant lastBusy;
    private boolean idle;

    /** The unloaded span after the last traffic, then the span in which one pod is kept. */
    record Window(Duration preWarm, Duration keepAlive, boolean fromHistogram) {}

    HybridHistogramKeepAlive(AutoscalingPolicy sizing) {
        this.sizing = sizing;
    }

    /** Each function's autoscaler from {@code sizing}, with its idle times kept by this policy. */
    public static AutoscalingPolicyFactory around(AutoscalingPolicyFactory sizing) {
        return fn -> new HybridHistogramKeepAlive(sizing.create(fn));
    }

    @Override
    public int initialReplicas() {
        return sizing.initialReplicas();
    }

    @Override
    public void record(MetricSnapshot snapshot) {
        sizing.record(snapshot);
        boolean busy = snapshot.sawRequests();
        if (busy) {
            busy(snapshot.at().minus(snapshot.interval()), snapshot.at());
        } else if (lastBusy != null && snapshot.at().isAfter(lastBusy)) {
            // a quiet second from before the last activation (snapshots arrive a second late) starts no idle time
            idle = true;
        }
    }

    @Override
    public void recordActivation(Instant at) {
        sizing.recordActivation(at);
        busy(at, at);
    }

    /** Traffic from {@code from} to {@code until}: ends an idle time, if one was running, at {@code from}. */
    private void busy(Instant from, Instant until) {
        if (idle && lastBusy != null && from.isAfter(lastBusy)) {
            recordIdleTime(Duration.between(lastBusy, from));
        }
        idle = false;
        if (lastBusy == null || until.isAfter(lastBusy)) {
            lastBusy = until;
        }
    }

    void recordIdleTime(Duration idleTime) {
        long minutes = idleTime.toMinutes();
        idleTimes++;
        if (minutes >= BINS) {
            beyondRange++;
        } else {
            bins[(int) minutes]++;
        }
    }

    @Override
    public ScalingDecision decide(ReplicaCounts replicas, Instant now) {
        ScalingDecision sized = sizing.decide(replicas, now);
        if (lastBusy == null || sized.desiredReplicas() > 1 || Duration.between(lastBusy, now).compareTo(BUSY) < 0) {
            return sized;
        }
        Duration since = Duration.between(lastBusy, now);
        Window window = window();
        String source = window.fromHistogram() ? "idle-time histogram" : "standard keep-alive (histogram not representative)";
        if (since.compareTo(window.preWarm()) < 0) {
            return new ScalingDecision(0, String.format(Locale.ROOT, "%s: idle %ds, unloaded until the pre-warm at %ds → 0",
                    source, since.toSeconds(), window.preWarm().toSeconds()));
        }
        if (since.compareTo(window.keepAlive()) < 0) {
            return new ScalingDecision(1, String.format(Locale.ROOT, "%s: idle %ds, warm until %ds → 1",
                    source, since.toSeconds(), window.keepAlive().toSeconds()));
        }
        return new ScalingDecision(0, String.format(Locale.ROOT, "%s: idle %ds, past the keep-alive of %ds → 0",
                source, since.toSeconds(), window.keepAlive().toSeconds()));
    }

    /** The windows the histogram gives now, or the standard keep-alive when it is not representative. */
    Window window() {
        long inRange = idleTimes - beyondRange;
        if (idleTimes < MIN_IDLE_TIMES || inRange * 2 < idleTimes || coefficientOfVariation() < MIN_CV) {
            return new Window(Duration.ZERO, STANDARD_KEEP_ALIVE, false);
        }
        int head = percentileBin(HEAD, inRange);
        int tail = percentileBin(TAIL, inRange);
        Duration preWarm = Duration.ofSeconds(Math.round(head * 60 * (1 - MARGIN)));
        Duration keepAlive = Duration.ofSeconds(Math.round((tail + 1) * 60 * (1 + MARGIN)));
        return new Window(preWarm, keepAlive, true);
    }

    /** The bin (minute) at which the share {@code p} of the in-range idle times is reached. */
    private int percentileBin(double p, long inRange) {
        double wanted = p * inRange;
        long seen = 0;
        for (int b = 0; b < BINS; b++) {
            seen += bins[b];
            if (seen >= wanted && seen > 0) {
                return b;
            }
        }
        return BINS - 1;
    }

    private double coefficientOfVariation() {
        double mean = 0;
        for (long count : bins) {
            mean += count;
        }
        mean /= BINS;
        if (mean == 0) {
            return 0;
        }
        double variance = 0;
        for (long count : bins) {
            variance += (count - mean) * (count - mean);
        }
        return Math.sqrt(variance / BINS) / mean;
    }
}
