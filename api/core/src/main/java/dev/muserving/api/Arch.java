package dev.muserving.api;

import java.util.Locale;
import java.util.Optional;

/** A CPU architecture, named as Kubernetes labels it ({@code kubernetes.io/arch}). */
public enum Arch {
    AMD64("amd64"),
    ARM64("arm64");

    private final String label;

    Arch(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The architecture for a label such as {@code arm64}; empty for anything else. */
    public static Optional<Arch> fromLabel(String label) {
        if (label == null) {
            return Optional.empty();
        }
        String wanted = label.trim().toLowerCase(Locale.ROOT);
        for (Arch arch : values()) {
            if (arch.label.equals(wanted)) {
                return Optional.of(arch);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return label;
    }
}
