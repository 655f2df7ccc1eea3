package dev.muserving.api;

import java.util.Objects;

/**
 * A balancer's last good knowledge of one pod, from the Mu headers of the responses that passed
 * through it. A report with bad fields updates only the good ones.
 *
 * @param queueLength requests in the pod when it last reported
 * @param serviceRate requests per second it completes while busy; 0 when it has not said yet
 * @param measuredAtMillis when the pod measured these (ms since the epoch): lets old state age out
 */
public record PodHeaderState(
        String pod, Arch arch, int queueLength, double serviceRate, long measuredAtMillis) {

    public PodHeaderState {
        Objects.requireNonNull(pod, "pod");
        Objects.requireNonNull(arch, "arch");
    }

    /** What is known of a pod before any of its responses arrived. */
    public static PodHeaderState unknown(String pod, Arch arch) {
        return new PodHeaderState(pod, arch, 0, 0, 0);
    }

    /**
     * Merges one response's report. A report without a timestamp is taken as measured on arrival;
     * a report older than what we hold is ignored (responses may overtake each other), and so is one
     * that is not about this pod ({@link #isAbout}).
     */
    public PodHeaderState updatedWith(HeaderReport report, long receivedAtMillis) {
        long measuredAt = report.timestampMillis().orElse(receivedAtMillis);
        if (measuredAt < measuredAtMillis || !isAbout(report)) {
            return this;
        }
        return new PodHeaderState(
                pod,
                arch,
                report.queueLength().orElse(queueLength),
                report.serviceRate().orElse(serviceRate),
                measuredAt);
    }

    /**
     * Whether a report comes from this pod: one whose {@code Mu-Pod} or {@code Mu-Arch} names
     * another came from an address that now serves someone else (a pod replaced before the
     * endpoints caught up), or from a misconfigured sidecar, and must not steer routing. A pod known
     * only by its address (an endpoints file without names) takes any pod name.
     */
    public boolean isAbout(HeaderReport report) {
        boolean named = MuHeaderParser.isPodName(pod);
        return report.pod().map(reported -> !named || reported.equals(pod)).orElse(true)
                && report.arch().map(reported -> reported == arch).orElse(true);
    }

    public long ageMillis(long nowMillis) {
        return Math.max(0, nowMillis - measuredAtMillis);
    }
}
