package dev.muserving.api;

import java.util.Objects;

/** A node as placement sees it: where it is and how much it can hold. */
public record NodeInfo(String name, Arch arch, int cpuMillis, int memoryMiB) {

    public NodeInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(arch, "arch");
        if (cpuMillis <= 0 || memoryMiB <= 0) {
            throw new IllegalArgumentException(
                    "node " + name + " needs positive capacity, got cpu " + cpuMillis + "m memory " + memoryMiB + "Mi");
        }
    }

    /** Whether a pod of {@code function} fits on this node when it is empty: its architecture, CPU and memory. */
    public boolean couldHold(FunctionSpec function) {
        return function.architectures().contains(arch) && cpuMillis >= function.cpuMillis() && memoryMiB >= function.memoryMiB();
    }

    /** "64000 m CPU, 128 MiB, on amd64 or arm64": what a function asks of a node, for messages about one that fits none. */
    public static String asks(FunctionSpec function) {
        return String.format(java.util.Locale.ROOT, "%d m CPU, %d MiB, on %s", function.cpuMillis(), function.memoryMiB(),
                String.join(" or ", function.architectures().stream().map(Arch::label).toList()));
    }
}
