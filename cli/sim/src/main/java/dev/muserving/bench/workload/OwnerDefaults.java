package dev.muserving.bench.workload;

/**
 * How a function's owner would set the knobs a trace does not record, from the function's typical
 * service time: short functions get more concurrency per pod and less CPU, long ones one request at
 * a time and a full core. Every system under comparison gets the same values.
 */
public final class OwnerDefaults {

    /** The smallest p99 SLO we hand out: no one promises less than this over a network. */
    static final double MIN_SLO_MS = 50;

    private OwnerDefaults() {}

    static int containerConcurrency(double medianMs) {
        if (medianMs < 100) {
            return 10;
        }
        return medianMs < 1000 ? 4 : 1;
    }

    static int cpuMillis(double medianMs) {
        if (medianMs < 100) {
            return 250;
        }
        return medianMs < 1000 ? 500 : 1000;
    }

    public static double sloP99Ms(double p99Ms, double sloFactor) {
        return Math.max(MIN_SLO_MS, Math.ceil(p99Ms * sloFactor));
    }

    /** Memory requests come in 16 MiB steps, at least 64 MiB. */
    static int memoryMiB(double mb) {
        return (int) Math.max(64, Math.ceil(mb / 16) * 16);
    }
}
