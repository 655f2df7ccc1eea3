package dev.muserving.bench.scenario;

import dev.muserving.api.Arch;
import dev.muserving.api.FunctionSpec;
import java.util.Map;

/**
 * One simulated function: what the policies see ({@link FunctionSpec}) and what only the simulator
 * knows (how requests arrive and how long they take on each architecture).
 *
 * @param parallelism requests one pod runs at once without slowing down; more wait in its queue
 * @param origin where it came from, for reports ("scenario", "synthetic/http", "azure/…")
 */
public record FunctionModel(
        FunctionSpec spec,
        ArrivalSpec arrival,
        Map<Arch, LatencyDistribution> serviceTimeMs,
        int parallelism,
        String origin) {

    public FunctionModel {
        serviceTimeMs = Map.copyOf(serviceTimeMs);
        for (Arch arch : spec.architectures()) {
            if (!serviceTimeMs.containsKey(arch)) {
                throw new IllegalArgumentException(spec.name() + ": no service time for " + arch);
            }
        }
        if (parallelism < 1) {
            throw new IllegalArgumentException(spec.name() + ": parallelism must be at least 1");
        }
    }

    public String name() {
        return spec.name();
    }

    /** What a pod runs at once when the owner does not say: its concurrency limit, or no limit. */
    public static int defaultParallelism(int containerConcurrency) {
        return containerConcurrency > 0 ? containerConcurrency : Integer.MAX_VALUE;
    }
}
