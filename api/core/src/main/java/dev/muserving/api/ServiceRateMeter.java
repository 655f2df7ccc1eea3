package dev.muserving.api;

/**
 * A pod's {@code Mu-Service-Rate}: how many requests per second it completes while busy, i.e. its
 * parallelism over its smoothed service time (docs/protocol.md). One class for the queue-proxy and
 * the simulator, so both report the same thing. Not thread-safe: one pod, one owner.
 */
public final class ServiceRateMeter {

    /** Weight of the newest service time in the moving average. */
    public static final double SMOOTHING = 0.05;
    /** Parallelism reported for a pod without a concurrency limit. */
    public static final int PARALLELISM_CAP = 1000;

    private final int parallelism;
    private double smoothedSeconds;

    /** @param parallelism requests the pod runs at once; 0 or less means no limit */
    public ServiceRateMeter(int parallelism) {
        this.parallelism = parallelism > 0 ? Math.min(parallelism, PARALLELISM_CAP) : PARALLELISM_CAP;
    }

    public void observe(double serviceSeconds) {
        if (!(serviceSeconds > 0) || Double.isInfinite(serviceSeconds)) {
            return; // a zero or broken measurement says nothing about speed
        }
        smoothedSeconds = smoothedSeconds == 0 ? serviceSeconds : smoothedSeconds + SMOOTHING * (serviceSeconds - smoothedSeconds);
    }

    /** Requests per second while busy; 0 before the first completion. */
    public double rate() {
        return smoothedSeconds == 0 ? 0 : parallelism / smoothedSeconds;
    }
}
