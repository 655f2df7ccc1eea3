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
}
