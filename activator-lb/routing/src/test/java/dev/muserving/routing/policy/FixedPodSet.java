package dev.muserving.routing.policy;

import dev.muserving.api.Arch;
import dev.muserving.api.PodHeaderState;
import java.util.ArrayList;
import java.util.List;

/** A hand-built pod set for policy tests. */
final class FixedPodSet implements PodSet {

    private final List<PodHeaderState> reports = new ArrayList<>();
    private final List<Integer> inFlight = new ArrayList<>();

    static FixedPodSet ofInFlight(int... counts) {
        FixedPodSet set = new FixedPodSet();
        for (int count : counts) {
            set.add(Arch.AMD64, count);
        }
        return set;
    }

    FixedPodSet add(Arch arch, int inFlightCount) {
        reports.add(PodHeaderState.unknown("pod-" + reports.size(), arch));
        inFlight.add(inFlightCount);
        return this;
    }

    FixedPodSet report(int pod, int queueLength, double serviceRate, long measuredAtMillis) {
        PodHeaderState old = reports.get(pod);
        reports.set(pod, new PodHeaderState(old.pod(), old.arch(), queueLength, serviceRate, measuredAtMillis));
        return this;
    }

    void send(int pod) {
        inFlight.set(pod, inFlight.get(pod) + 1);
    }

    void finish(int pod) {
        inFlight.set(pod, inFlight.get(pod) - 1);
    }

    @Override
    public int size() {
        return reports.size();
    }

    @Override
    public Arch arch(int pod) {
        return reports.get(pod).arch();
    }

    @Override
    public int inFlight(int pod) {
        return inFlight.get(pod);
    }

    @Override
    public PodHeaderState lastReport(int pod) {
        return reports.get(pod);
    }
}
