package dev.muserving.bench.family;

import dev.muserving.api.Arch;
import dev.muserving.bench.scenario.ClusterModel;
import dev.muserving.bench.scenario.FunctionModel;
import dev.muserving.bench.scenario.LatencyDistribution;
import dev.muserving.bench.scenario.NodeGroup;
import dev.muserving.bench.scenario.Scenario;
import dev.muserving.bench.workload.SyntheticOptions;
import dev.muserving.bench.workload.SyntheticWorkload;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Generates a family of scenarios of the kinds Mu is for, so that a policy is judged on many it was
 * not tuned on (docs/bench.md, "Scenario families"). Scenario {@code i} of family {@code s} depends on
 * {@code s} and {@code i} only: {@code --family 10} is the first ten of {@code --family 100}.
 *
 * <p>Each scenario draws a cluster (3–20 nodes, amd64:arm64 from all-amd64 to 1:4, node sizes), 4–12
 * functions (Azure-like and the {@link Archetype}s; at least one heavy one, so that the load can be
 * reached with a bounded request rate) and a load from 0.3x to 1.5x the cluster's capacity, then sets
 * the functions' rates to that load.
 */
public final class ScenarioFamily {

    public static final double DURATION_SECONDS = 600;
    public static final double MIN_LOAD = 0.3;
    public static final double MAX_LOAD = 1.5;
    static final int MIN_NODES = 3;
    static final int MAX_NODES = 20;
    static final int MIN_FUNCTIONS = 4;
    static final int MAX_FUNCTIONS = 12;
    /** No function gets more than this rate: keeps a 600 s scenario within a few million requests. */
    static final double MAX_FUNCTION_RPS = 800;
    /** Arm64 nodes per amd64 node: all-amd64 to 1:4. */
    private static final double[] ARM_SHARES = {0, 0.25, 0.5, 2.0 / 3, 0.8};

    private ScenarioFamily() {}

    /**
     * One generated scenario and what it was drawn to be.
     *
     * @param load the offered load it was drawn for, as a share of the cluster's capacity
     * @param realizedLoad the load its functions' rates make (below {@code load} only when every
     *     function that could carry more is at {@link #MAX_FUNCTION_RPS})
     * @param capacityCores the cluster's CPU in amd64 cores, arm64 cores counted at the functions' mean arm64 speed
     */
    public record Member(Scenario scenario, double load, double realizedLoad, int amd64Nodes, int arm64Nodes, double capacityCores) {}

    public static List<Member> generate(long familySeed, int count) {
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            members.add(member(familySeed, i));
        }
        return members;
    }

    public static Member member(long familySeed, int index) {
        SplittableRandom random = new SplittableRandom(familySeed * 0x9E3779B97F4A7C15L + index);
        String name = String.format(Locale.ROOT, "family%d-%03d", familySeed, index);
        long seed = random.nextInt(1_000_000);

        int nodes = MIN_NODES + (int) Math.floor((MAX_NODES - MIN_NODES + 1) * Math.pow(random.nextDouble(), 2));
        double armShare = ARM_SHARES[random.nextInt(ARM_SHARES.length)];
        int arm64Nodes = Math.min(nodes - 1, (int) Math.round(nodes * armShare));
        int amd64Nodes = nodes - arm64Nodes;
        List<NodeGroup> groups = new ArrayList<>(amdGroups(amd64Nodes, random));
        if (arm64Nodes > 0) {
            int cpu = Archetype.pick(random, 2, 4, 4, 8);
            groups.add(new NodeGroup(arm64Nodes, Arch.ARM64, cpu * 1000, cpu * Archetype.pick(random, 1024, 2048)));
        }
        double startupMedian = random.nextDouble(1, 5);
        ClusterModel cluster = new ClusterModel(groups,
                new LatencyDistribution(startupMedian, startupMedian * random.nextDouble(2, 4)),
                ClusterModel.DEFAULT_LOAD_BALANCERS, ClusterModel.DEFAULT_BALANCER_QUEUE_LIMIT,
                ClusterModel.DEFAULT_REQUEST_TIMEOUT_SECONDS);

        List<LoadCalibration.Shape> shapes = functions(random, seed);
        double load = random.nextDouble(MIN_LOAD, MAX_LOAD);
        LoadCalibration calibration = new LoadCalibration(cluster, shapes);
        List<FunctionModel> functions = calibration.atLoad(load, random, MAX_FUNCTION_RPS);
        Scenario scenario = new Scenario(name, DURATION_SECONDS, seed, cluster, functions);
        return new Member(scenario, load, calibration.load(functions), amd64Nodes, arm64Nodes, calibration.capacityMillis() / 1000);
    }

    private static List<NodeGroup> amdGroups(int count, SplittableRandom random) {
        int cpu = Archetype.pick(random, 2, 4, 8);
        int memory = cpu * Archetype.pick(random, 2048, 4096);
        if (count >= 2 && random.nextDouble() < 0.4) {
            int other = cpu == 8 ? 4 : cpu * 2;
            int first = 1 + random.nextInt(count - 1);
            return List.of(new NodeGroup(first, Arch.AMD64, cpu * 1000, memory),
                    new NodeGroup(count - first, Arch.AMD64, other * 1000, other * 4096));
        }
        return List.of(new NodeGroup(count, Arch.AMD64, cpu * 1000, memory));
    }

    /** Function shapes at a nominal rate; the first is heavy and the second bursty or Azure-like. */
    private static List<LoadCalibration.Shape> functions(SplittableRandom random, long seed) {
        int count = MIN_FUNCTIONS + random.nextInt(MAX_FUNCTIONS - MIN_FUNCTIONS + 1);
        List<Archetype> kinds = new ArrayList<>();
        int azure = 0;
        for (int i = 0; i < count; i++) {
            double u = random.nextDouble();
            if (i == 0) {
                kinds.add(u < 0.6 ? Archetype.ML : Archetype.BATCH);
            } else if (i == 1 ? u < 0.5 : u < 0.35) {
                kinds.add(null);
                azure++;
            } else {
                kinds.add(i == 1 ? Archetype.WEBHOOK : pickArchetype(random.nextDouble()));
            }
        }
        List<FunctionModel> azureLike = azure == 0 ? List.of()
                : SyntheticWorkload.generate(new SyntheticOptions(azure, 1, seed, 2.5, 700, 1.4, 1.2, 2.0, 3.0, 1.0));
        List<LoadCalibration.Shape> functions = new ArrayList<>();
        int nextAzure = 0;
        for (int i = 0; i < count; i++) {
            Archetype kind = kinds.get(i);
            functions.add(kind == null ? new LoadCalibration.Shape(azureLike.get(nextAzure++), true)
                    : new LoadCalibration.Shape(kind.function(kind.label() + "-" + i, random, DURATION_SECONDS), kind.scalesWithLoad()));
        }
        return functions;
    }

    private static Archetype pickArchetype(double u) {
        // among the archetypes, after the Azure-like share: api 30 %, webhook 25 %, ml 15 %, batch 10 %, rare 20 %
        if (u < 0.30) {
            return Archetype.API;
        }
        if (u < 0.55) {
            return Archetype.WEBHOOK;
        }
        if (u < 0.70) {
            return Archetype.ML;
        }
        return u < 0.80 ? Archetype.BATCH : Archetype.RARE;
    }
}
