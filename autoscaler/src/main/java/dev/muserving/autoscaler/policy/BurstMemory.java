package dev.muserving.autoscaler.policy;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The highest arrival rate a function has reached recently, over windows about as long as it takes
 * to react (a decision tick plus a pod start-up), discounted by Poisson noise: a window with {@code c}
 * arrivals counts as {@code (c − z·√c) / window}. So a steady stream, however slow, shows no burst
 * (its busiest window is within a few √c of the mean), while a stream that really jumps to several
 * times its mean for longer than the window does.
 */
final class BurstMemory {

    private final int windowSeconds;
    private final long memorySeconds;
    private final double noiseZ;
    /** Arrivals of the last window seconds, oldest first: {epoch second, count}. */
    private final Deque<long[]> window = new ArrayDeque<>();
    private long windowArrivals;
    /** Noise-discounted window rates over the memory, as a monotonic deque of {second, rate}. */
    private final Deque<double[]> peaks = new ArrayDeque<>();

    BurstMemory(int windowSeconds, long memorySeconds, double noiseZ) {
        if (windowSeconds < 1 || memorySeconds < windowSeconds) {
            throw new IllegalArgumentException("need 1 <= window (" + windowSeconds + ") <= memory (" + memorySeconds + ")");
        }
        this.windowSeconds = windowSeconds;
        this.memorySeconds = memorySeconds;
        this.noiseZ = noiseZ;
    }

    /** Records the arrivals of the interval that ended at {@code second}. */
    void observe(long second, long arrivals) {
        window.addLast(new long[] {second, arrivals});
        windowArrivals += arrivals;
        while (window.peekFirst()[0] <= second - windowSeconds) {
            windowArrivals -= window.removeFirst()[1];
        }
        double rate = Math.max(0, windowArrivals - noiseZ * Math.sqrt(windowArrivals)) / windowSeconds;
        while (!peaks.isEmpty() && peaks.peekLast()[1] <= rate) {
            peaks.removeLast(); // never the maximum again while this one is remembered
        }
        peaks.addLast(new double[] {second, rate});
        while (peaks.peekFirst()[0] <= second - memorySeconds) {
            peaks.removeFirst();
        }
    }

    /** The highest noise-discounted window rate of the memory, per second. */
    double peakRate() {
        return peaks.isEmpty() ? 0 : peaks.peekFirst()[1];
    }
}
