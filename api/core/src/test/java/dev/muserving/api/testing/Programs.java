package dev.muserving.api.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** The outside programs tests use (promtool, prometheus, wrk…): whether this machine has them. */
public final class Programs {

    private Programs() {}

    /** Whether {@code program} is an executable in a directory of {@code PATH}. */
    public static boolean onPath(String program) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":")).filter(dir -> !dir.isEmpty())
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }
}
