package dev.muserving.local;

import dev.muserving.api.Arch;
import dev.muserving.api.BadInputException;
import dev.muserving.api.NodeInfo;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * An emulated node of {@code mu local}: capacity for placement, and a speed that stretches the CPU
 * work of the built-in emulated functions running on it (an ARM board is slower than a laptop core).
 *
 * @param speed work per second relative to amd64 (1.0)
 */
public record LocalNode(NodeInfo info, double speed) {

    /** Default speed per architecture: arm64 does 60 % of amd64's work per second (Mu's edge boards). */
    public static final Map<Arch, Double> DEFAULT_SPEED = Map.of(Arch.AMD64, 1.0, Arch.ARM64, 0.6);

    public String name() {
        return info.name();
    }

    public Arch arch() {
        return info.arch();
    }

    /**
     * Nodes from {@code amd64=2,arm64=2}: named {@code local-amd64-0}, {@code local-arm64-1}, ...
     */
    public static List<LocalNode> parse(String spec, int cpuMillis, int memoryMiB, Map<Arch, Double> speed) {
        Map<Arch, Integer> counts = new EnumMap<>(Arch.class);
        for (String part : spec.split(",")) {
            String[] pair = part.trim().split("=", 2);
            Arch arch = pair.length == 2 ? Arch.fromLabel(pair[0]).orElse(null) : null;
            int count;
            try {
                count = pair.length == 2 ? Integer.parseInt(pair[1].trim()) : -1;
            } catch (NumberFormatException e) {
                count = -1;
            }
            if (arch == null || count < 0 || count > 64 || counts.put(arch, count) != null) {
                throw new BadInputException("--nodes: expected e.g. amd64=2,arm64=2 (each architecture once, 0 to 64 nodes), got '"
                        + spec + "'");
            }
        }
        List<LocalNode> nodes = new ArrayList<>();
        counts.forEach((arch, count) -> {
            for (int i = 0; i < count; i++) {
                nodes.add(new LocalNode(new NodeInfo("local-" + arch.label() + "-" + i, arch, cpuMillis, memoryMiB),
                        speed.getOrDefault(arch, 1.0)));
            }
        });
        if (nodes.isEmpty()) {
            throw new BadInputException("--nodes: at least one node is needed, got '" + spec + "'");
        }
        return nodes;
    }
}
