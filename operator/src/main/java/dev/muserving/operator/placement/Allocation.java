package dev.muserving.operator.placement;

import dev.muserving.api.Arch;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * What placement gives one function: how many pods it wanted, how many it gets on each
 * architecture (bound ones and new ones), how many found no room, and why, in one line.
 */
public record Allocation(int desired, Map<Arch, Integer> byArch, int unplaced, String reason) {

    public Allocation {
        Map<Arch, Integer> copy = new EnumMap<>(Arch.class);
        copy.putAll(byArch);
        byArch = Collections.unmodifiableMap(copy);
    }

    public int placed() {
        return byArch.values().stream().mapToInt(Integer::intValue).sum();
    }
}
