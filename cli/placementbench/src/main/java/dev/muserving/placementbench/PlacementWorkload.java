package dev.muserving.placementbench;

import dev.muserving.api.Arch;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The cluster and the pods of one {@code mu placement-bench} run, the same for both schedulers:
 * mixed amd64/arm64 nodes of mixed sizes, and functions of mixed weights, architectures and pod sizes
 * whose pods together ask {@code overload} times the cluster's CPU, so the schedulers must choose who
 * waits. Seeded: the same options give the same workload.
 *
 * @param nodes 60 % amd64, 40 % arm64; sizes 1x, 2x or 4x a base, 2 GiB of memory per CPU
 * @param groups every function's weight (1 to 3), allowed architectures, pod request and replicas
 */
record PlacementWorkload(List<NodeShape> nodes, List<Group> groups) {

    record NodeShape(String name, Arch arch, int cpuMillis, int memoryMiB) {}

    record Group(String name, double weight, Set<Arch> architectures, int cpuMillis, int memoryMiB, int replicas) {}

    private static final int[][] POD_SIZES = {{250, 256}, {500, 512}, {1000, 1024}, {2000, 2048}};

    static PlacementWorkload generate(int nodeCount, int podCount, int functionCount, double overload, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Group> groups = new ArrayList<>();
        long demandMillis = 0;
        for (int f = 0; f < functionCount; f++) {
            int replicas = podCount / functionCount + (f < podCount % functionCount ? 1 : 0);
            int[] size = POD_SIZES[random.nextInt(POD_SIZES.length)];
            double roll = random.nextDouble();
            Set<Arch> archs = roll < 0.5 ? EnumSet.allOf(Arch.class) : roll < 0.8 ? EnumSet.of(Arch.AMD64) : EnumSet.of(Arch.ARM64);
            groups.add(new Group("f" + f, 1 + random.nextInt(3), archs, size[0], size[1], replicas));
            demandMillis += (long) replicas * size[0];
        }
        // node sizes 1x, 2x or 4x a base chosen so that the cluster holds demand / overload CPU
        int[] multiples = new int[nodeCount];
        long units = 0;
        for (int n = 0; n < nodeCount; n++) {
            multiples[n] = 1 << random.nextInt(3);
            units += multiples[n];
        }
        long baseMillis = Math.max(500, Math.round(demandMillis / overload / units / 250.0) * 250);
        List<NodeShape> nodes = new ArrayList<>();
        for (int n = 0; n < nodeCount; n++) {
            Arch arch = n % 5 < 3 ? Arch.AMD64 : Arch.ARM64;
            int cpu = (int) (baseMillis * multiples[n]);
            nodes.add(new NodeShape("bench-" + arch.label() + "-" + n, arch, cpu, cpu * 2));
        }
        return new PlacementWorkload(List.copyOf(nodes), List.copyOf(groups));
    }

    int pods() {
        return groups.stream().mapToInt(Group::replicas).sum();
    }
}
