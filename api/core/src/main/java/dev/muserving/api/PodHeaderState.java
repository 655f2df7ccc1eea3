package dev.muserving.api;

import java.util.Objects;

/**
 * A balancer's last good knowledge of one pod, from the Mu headers of the responses that passed
 * through it. A report with bad fields updates only the good ones.
 *
 * @param queueLength requests in the pod when it last reported
 * @param serviceRate requests per second it completes while busy; 0 when it has not said yet
 * @param serviceTimeMs the last request's time in the user container
 * @param measuredAtMillis when the pod measured these (ms since the epoch): lets old state age out
 */
public record PodHeaderState(
        String pod, Arch arch, int queueLength, double serviceRate, double serviceTimeMs, long measuredAtMillis) {

    public PodHeaderState {
        Objects.requireNonNull(pod, "pod");
        Objects.requireNonNull(arch, "arch");
    }

    /** What is known of a pod before any of its responses arrived. */
    public static PodHeaderState unknown(String pod, Arch arch) {
        return new PodHeaderState(pod, arch, 0, 0, 0, 0);
    }

    /**
     * Merges one response's report. A report without a timestamp is taken as measured on arrival;
     * a report older than what we hold is ignored (responses may overtake each other).
     */
    public PodHeaderState updatedWith(HeaderReport report, long receivedAtMillis) {
        long measuredAt = report.timestampMillis().orElse(receivedAtMillis);
        if (measuredAt < measuredAtMillis) {
            return this;
        }
        return new PodHeaderState(
                pod,
                arch,
                report.queueLength().orElse(queueLength),
                report.serviceRate().orElse(serviceRate),
                report.serviceTimeMs().orElse(serviceTimeMs),
                measuredAt);
    }

    public long ageMillis(long nowMillis) {
        return Math.max(0, nowMillis - measuredAtMillis);
    }
}
