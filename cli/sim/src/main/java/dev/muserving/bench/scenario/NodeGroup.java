package dev.muserving.bench.scenario;

import dev.muserving.api.Arch;

/** {@code count} identical nodes. */
public record NodeGroup(int count, Arch arch, int cpuMillis, int memoryMiB) {}
