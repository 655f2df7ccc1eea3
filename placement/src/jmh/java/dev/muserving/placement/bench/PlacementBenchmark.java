package dev.muserving.placement.bench;

import dev.muserving.api.Arch;
import dev.muserving.api.ClusterSnapshot;
import dev.muserving.api.FunctionDemand;
import dev.muserving.api.FunctionSpec;
import dev.muserving.api.NodeInfo;
import dev.muserving.api.PodPhase;
import dev.muserving.api.PodPlacement;
import dev.muserving.placement.policy.KubeSchedulerPlacement;
import dev.muserving.placement.policy.MuPlacement;
import dev.muserving.placement.policy.PlacementPlan;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One placement decision on a large cluster: 5,000 mixed nodes and 500 functions wanting 100 pods
 * each (50,000 pods). {@code fromScratch} places all of them on empty nodes; {@code steadyState}
 * re-plans a cluster that already runs them, with 10 % of the functions wanting 10 % more.
 * Run: see docs/policies.md ("Placement speed").
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PlacementBenchmark {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @Param({"5000"})
    int nodes;

    @Param({"500"})
    int functions;

    @Param({"100"})
    int podsPerFunction;

    private ClusterSnapshot empty;
    private ClusterSnapshot running;
    private List<FunctionDemand> demands;
    private List<FunctionDemand> grown;

    @Setup(Level.Trial)
    public void setUp() {
        List<NodeInfo> nodeList = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            nodeList.add(new NodeInfo("node-" + i, i % 2 == 0 ? Arch.AMD64 : Arch.ARM64, 16000, 65536));
        }
        demands = new ArrayList<>();
        grown = new ArrayList<>();
        for (int f = 0; f < functions; f++) {
            FunctionSpec spec = new FunctionSpec("fn-" + f, 4, 250 + (f % 4) * 250, 128 + (f % 8) * 64,
                    EnumSet.of(Arch.AMD64, Arch.ARM64), 300, 1, 0, 0);
            Map<Arch, Double> rates = Map.of(Arch.AMD64, 20.0, Arch.ARM64, 14.0);
            demands.add(new FunctionDemand(spec, podsPerFunction, rates));
            grown.add(new FunctionDemand(spec, f % 10 == 0 ? podsPerFunction * 11 / 10 : podsPerFunction, rates));
        }
        empty = new ClusterSnapshot(nodeList, List.of());
        PlacementPlan initial = new MuPlacement().plan(empty, demands, NOW);
        List<PodPlacement> pods = new ArrayList<>();
        int n = 0;
        Map<String, NodeInfo> byName = new java.util.HashMap<>();
        nodeList.forEach(node -> byName.put(node.name(), node));
        for (PlacementPlan.PodStart start : initial.starts()) {
            NodeInfo node = byName.get(start.node());
            pods.add(new PodPlacement("pod-" + n++, start.function(), node.name(), node.arch(), PodPhase.READY, NOW, NOW));
        }
        running = new ClusterSnapshot(nodeList, pods);
    }

    @Benchmark
    public PlacementPlan muFromScratch() {
        return new MuPlacement().plan(empty, demands, NOW);
    }

    @Benchmark
    public PlacementPlan muSteadyState() {
        return new MuPlacement().plan(running, grown, NOW);
    }

    @Benchmark
    public PlacementPlan kubeSchedulerFromScratch() {
        return new KubeSchedulerPlacement(new SplittableRandom(1)).plan(empty, demands, NOW);
    }
}
