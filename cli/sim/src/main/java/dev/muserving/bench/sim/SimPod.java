package dev.muserving.bench.sim;

import dev.muserving.api.Arch;
import dev.muserving.api.PodHeaderState;
import dev.muserving.api.PodPhase;
import dev.muserving.api.ServiceRateMeter;

/** One simulated pod: a queue-proxy with its concurrency limit and queue in front of the function. */
final class SimPod {

    final int slot;
    final String name;
    final SimFunction function;
    final String node;
    final Arch arch;
    final double createdAt;
    final int parallelism;
    final int queueLimit;
    final int[] balancerInFlight;
    final PodHeaderState[] lastReport;
    final IntFifo waiting = new IntFifo();

    PodPhase phase = PodPhase.STARTING;
    double readyAt = Double.NaN;
    /** Index in the function's ready list, or -1 when not ready. */
    int readyIndex = -1;
    int running;
    /** The Mu-Service-Rate header, computed as a real queue-proxy does. */
    private final ServiceRateMeter serviceRate;

    SimPod(int slot, String name, SimFunction function, String node, Arch arch, double createdAt, int balancers) {
        this.slot = slot;
        this.name = name;
        this.function = function;
        this.node = node;
        this.arch = arch;
        this.createdAt = createdAt;
        this.parallelism = function.model.parallelism();
        this.serviceRate = new ServiceRateMeter(parallelism);
        int cc = function.model.spec().containerConcurrency();
        // Knative's queue-proxy: a breaker of containerConcurrency slots and 10x as many queued.
        this.queueLimit = cc > 0 ? 10 * cc : Integer.MAX_VALUE;
        this.balancerInFlight = new int[balancers];
        this.lastReport = new PodHeaderState[balancers];
        for (int i = 0; i < balancers; i++) {
            lastReport[i] = PodHeaderState.unknown(name, arch);
        }
    }

    /** Requests in the pod: running and waiting (the Mu-Queue-Length header). */
    int inPod() {
        return running + waiting.size();
    }

    void observeServiceTime(double seconds) {
        serviceRate.observe(seconds);
    }

    /** Requests per second the pod completes while busy; 0 before its first completion. */
    double serviceRate() {
        return serviceRate.rate();
    }

    /** The freshest report any balancer holds: what the metric stream knows of this pod. */
    PodHeaderState freshestReport() {
        PodHeaderState best = lastReport[0];
        for (PodHeaderState report : lastReport) {
            if (report.measuredAtMillis() > best.measuredAtMillis()) {
                best = report;
            }
        }
        return best;
    }
}
