package dev.muserving.routing.policy;

import dev.muserving.api.Arch;
import dev.muserving.api.FunctionSpec;
import dev.muserving.api.PodHeaderState;
import java.time.Instant;
import java.util.random.RandomGenerator;

/**
 * Mu's routing: send each request to the pod where it is expected to finish first.
 *
 * <p>A pod's queue is estimated from two sources: this balancer's own in-flight count (exact, but
 * blind to other balancers) and the pod's last reported queue length (complete, but stale). The
 * requests the report shows beyond our own are assumed to drain at the pod's service rate since the
 * report was measured, so stale state ages out toward the local count. The expected completion time
 * of one more request on a pod with {@code slots} parallel slots and service rate {@code mu} (requests
 * per second while busy) is {@code (slots + max(0, queue + 1 - slots)) / mu}: one service time, plus
 * the queue ahead of it drained {@code slots} at a time. A slow ARM pod with an empty queue can
 * lose to a fast x86 pod with a short one.
 *
 * <p>Pods of the best one's architecture expected to finish within {@link #NEAR_BEST} of it count as
 * equally good; the least loaded of them goes, and at equal load the first in this balancer's own
 * scan order, which starts at its share of the pods, so that balancers blind to each other's
 * requests do not all pick the same pod.
 *
 * <p>Pods that have not reported a rate use the mean rate this balancer has seen for their
 * architecture. Large pod sets are sampled (power of d choices) so a decision costs O(d). Pods whose
 * queue is already half their slots deep behind the running requests are passed over; when every pod
 * is, the request waits in the balancer, where it can still go to whichever pod frees first or to a
 * pod that is just starting.
 */
public final class MuRouting implements RoutingPolicy {

    /** Up to this many pods every pod is considered; above it, {@link #SAMPLES} random ones. */
    static final int FULL_SCAN_LIMIT = 16;
    static final int SAMPLES = 4;
    /** Weight of a new report in this balancer's per-architecture mean rate. */
    static final double RATE_SMOOTHING = 0.1;
    /**
     * Pods expected to finish within this share of the best are taken as equally good: measured rates
     * carry noise, and balancers that all chased the pod measured fastest sent to the same one,
     * unseen by each other, while other pods idled.
     */
    static final double NEAR_BEST = 0.2;

    private final int slots;
    private final int holdAt;
    private final BalancerPosition position;
    private final RandomGenerator random;
    private final double[] archRate = new double[Arch.values().length];
    private int lastChoice;
    /** Scratch for one decision (the policy runs on one balancer's thread): no allocation per request. */
    private final int[] scanned = new int[FULL_SCAN_LIMIT];
    private final double[] times = new double[FULL_SCAN_LIMIT];
    private final double[] queues = new double[FULL_SCAN_LIMIT];

    public MuRouting(FunctionSpec function, BalancerPosition position, RandomGenerator random) {
        PodSlots podSlots = PodSlots.of(function);
        this.slots = podSlots.slots();
        this.holdAt = podSlots.holdAt();
        this.position = position;
        this.random = random;
    }

    @Override
    public int choose(PodSet pods, Instant now) {
        int n = pods.size();
        if (n == 0) {
            return HOLD;
        }
        long nowMillis = now.toEpochMilli();
        int candidates = n <= FULL_SCAN_LIMIT ? n : SAMPLES + 1;
        int start = n * position.index() / position.count();
        int open = 0;
        double bestTime = Double.POSITIVE_INFINITY;
        Arch bestArch = null;
        for (int c = 0; c < candidates; c++) {
            int i = n <= FULL_SCAN_LIMIT ? (start + c) % n : (c == 0 ? Math.min(lastChoice, n - 1) : random.nextInt(n));
            double rate = rate(pods, i);
            double queue = estimatedQueue(pods, i, rate, nowMillis);
            if (queue >= holdAt) {
                continue; // a full queue: better to wait in the balancer for whichever pod frees first
            }
            scanned[open] = i;
            queues[open] = queue;
            times[open] = expectedCompletionSeconds(queue, slots, rate);
            if (times[open] < bestTime) {
                bestTime = times[open];
                bestArch = pods.arch(i);
            }
            open++;
        }
        // among the pods near the best, the least loaded; then the first in this balancer's own scan order
        int best = HOLD;
        double bestQueue = Double.POSITIVE_INFINITY;
        for (int c = 0; c < open; c++) {
            if (times[c] <= bestTime * (1 + NEAR_BEST) && pods.arch(scanned[c]) == bestArch && queues[c] < bestQueue) {
                best = scanned[c];
                bestQueue = queues[c];
            }
        }
        if (best != HOLD) {
            lastChoice = best;
        }
        return best;
    }

    @Override
    public HeldOrder heldOrder() {
        return HeldOrder.ON_TIME_FIRST;
    }

    @Override
    public void onResponse(PodSet pods, int pod, double latencyMs, Instant now) {
        double reported = pods.lastReport(pod).serviceRate();
        if (reported > 0) {
            int a = pods.arch(pod).ordinal();
            archRate[a] = archRate[a] == 0 ? reported : archRate[a] + RATE_SMOOTHING * (reported - archRate[a]);
        }
    }

    /**
     * When one more request would finish on a pod with {@code queue} requests in it: one service
     * time ({@code slots / rate}, since {@code rate} counts all slots), plus the requests ahead of it
     * beyond the free slots, drained at the pod's rate.
     */
    static double expectedCompletionSeconds(double queue, int slots, double rate) {
        return (slots + Math.max(0, queue + 1 - slots)) / rate;
    }

    /** Requests in the pod: ours, plus the others its report showed, drained since at its rate. */
    static double estimatedQueue(PodSet pods, int pod, double rate, long nowMillis) {
        int ours = pods.inFlight(pod);
        PodHeaderState report = pods.lastReport(pod);
        if (report.measuredAtMillis() == 0) {
            return ours;
        }
        double ageSeconds = report.ageMillis(nowMillis) / 1000.0;
        double others = Math.max(0, report.queueLength() - ours - rate * ageSeconds);
        return ours + others;
    }

    private double rate(PodSet pods, int pod) {
        double reported = pods.lastReport(pod).serviceRate();
        if (reported > 0) {
            return reported;
        }
        double known = archRate[pods.arch(pod).ordinal()];
        return known > 0 ? known : meanKnownRate();
    }

    /** Before anything is known every pod looks alike, and the queue decides. */
    private double meanKnownRate() {
        double sum = 0;
        int count = 0;
        for (double rate : archRate) {
            if (rate > 0) {
                sum += rate;
                count++;
            }
        }
        return count == 0 ? 1 : sum / count;
    }
}
