package dev.muserving.bench.scenario;

import java.util.List;

/** A workload to replay: a cluster, functions and how long to run. */
public record Scenario(String name, double durationSeconds, long seed, ClusterModel cluster, List<FunctionModel> functions) {

    public Scenario {
        functions = List.copyOf(functions);
    }

    public Scenario withSeed(long newSeed) {
        return new Scenario(name, durationSeconds, newSeed, cluster, functions);
    }

    /** Requests a second over the whole run. */
    public double offeredRps() {
        return functions.stream().mapToDouble(f -> f.arrival().meanRpsOver(durationSeconds)).sum();
    }
}
