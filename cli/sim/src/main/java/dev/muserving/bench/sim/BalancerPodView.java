package dev.muserving.bench.sim;

import dev.muserving.api.Arch;
import dev.muserving.api.PodHeaderState;
import dev.muserving.routing.policy.PodSet;
import java.util.List;

/** A function's ready pods as one balancer sees them: its own in-flight counts and header reports. */
final class BalancerPodView implements PodSet {

    private final List<SimPod> ready;
    private final int balancer;

    BalancerPodView(List<SimPod> ready, int balancer) {
        this.ready = ready;
        this.balancer = balancer;
    }

    @Override
    public int size() {
        return ready.size();
    }

    @Override
    public Arch arch(int pod) {
        return ready.get(pod).arch;
    }

    @Override
    public int inFlight(int pod) {
        return ready.get(pod).balancerInFlight[balancer];
    }

    @Override
    public PodHeaderState lastReport(int pod) {
        return ready.get(pod).lastReport[balancer];
    }
}
