package dev.muserving.placement.policy;

import dev.muserving.api.Arch;
import dev.muserving.api.NodeInfo;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * The free CPU and memory of every node, indexed per architecture by free CPU and by free memory so
 * that a best-fit query costs O(log n) rather than a scan of every node. An index entry packs the
 * free amount above the node's number ({@code free << INDEX_BITS | node}), so entries sort by free
 * amount and a ceiling query finds the first node with enough.
 */
final class NodePool {

    private static final int INDEX_BITS = 21;

    final List<NodeInfo> nodes;
    final long[] freeCpu;
    final long[] freeMem;
    private final Map<String, Integer> index = new HashMap<>();
    private final Map<Arch, NavigableSet<Long>> byCpu = new EnumMap<>(Arch.class);
    private final Map<Arch, NavigableSet<Long>> byMem = new EnumMap<>(Arch.class);
    private final long[] freeCpuByArch = new long[Arch.values().length];

    NodePool(List<NodeInfo> nodes, Map<String, long[]> allocated) {
        if (nodes.size() >= 1 << INDEX_BITS) {
            throw new IllegalArgumentException("at most " + ((1 << INDEX_BITS) - 1) + " nodes");
        }
        this.nodes = List.copyOf(nodes);
        this.freeCpu = new long[nodes.size()];
        this.freeMem = new long[nodes.size()];
        for (Arch arch : Arch.values()) {
            byCpu.put(arch, new TreeSet<>());
            byMem.put(arch, new TreeSet<>());
        }
        for (int i = 0; i < nodes.size(); i++) {
            NodeInfo node = nodes.get(i);
            long[] used = allocated.getOrDefault(node.name(), new long[2]);
            freeCpu[i] = Math.max(0, node.cpuMillis() - used[0]);
            freeMem[i] = Math.max(0, node.memoryMiB() - used[1]);
            index.put(node.name(), i);
            freeCpuByArch[node.arch().ordinal()] += freeCpu[i];
            byCpu.get(node.arch()).add(key(freeCpu[i], i));
            byMem.get(node.arch()).add(key(freeMem[i], i));
        }
    }

    int indexOf(String node) {
        Integer i = index.get(node);
        return i == null ? -1 : i;
    }

    Arch arch(int node) {
        return nodes.get(node).arch();
    }

    /** The CPU free on all nodes of the architecture together. */
    long freeCpu(Arch arch) {
        return freeCpuByArch[arch.ordinal()];
    }

    boolean hasNodes(Arch arch) {
        return !byCpu.get(arch).isEmpty();
    }

    /**
     * The node of {@code arch} where the pod fits leaving the least of its dominant resource free
     * (best fit, to limit fragmentation), or -1 when it fits nowhere.
     */
    int bestFit(Arch arch, long cpu, long mem, boolean cpuDominant) {
        NavigableSet<Long> ordered = cpuDominant ? byCpu.get(arch) : byMem.get(arch);
        long needed = cpuDominant ? cpu : mem;
        for (long entry : ordered.tailSet(key(needed, 0), true)) {
            int node = (int) (entry & ((1L << INDEX_BITS) - 1));
            if (freeCpu[node] >= cpu && freeMem[node] >= mem) {
                return node;
            }
        }
        return -1;
    }

    /** Reserves a pod's requests on a node, keeping the indexes sorted. */
    void take(int node, long cpu, long mem) {
        Arch arch = arch(node);
        byCpu.get(arch).remove(key(freeCpu[node], node));
        byMem.get(arch).remove(key(freeMem[node], node));
        freeCpu[node] -= cpu;
        freeMem[node] -= mem;
        freeCpuByArch[arch.ordinal()] -= cpu;
        byCpu.get(arch).add(key(freeCpu[node], node));
        byMem.get(arch).add(key(freeMem[node], node));
    }

    private static long key(long free, int node) {
        return (Math.max(0, free) << INDEX_BITS) | node;
    }
}
