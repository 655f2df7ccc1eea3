package dev.muserving.api.testing;

import dev.muserving.api.testing.KubernetesControlPlane.Outcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The outside programs tests use (promtool, prometheus, wrk, helm…): whether this machine has them, and running them. */
public final class Programs {

    private Programs() {}

    /** Whether {@code program} is an executable in a directory of {@code PATH}. */
    public static boolean onPath(String program) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":")).filter(dir -> !dir.isEmpty())
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }

    /** Runs a command to its end and returns its output, or fails the test with it. */
    public static String run(List<String> command, int timeoutSeconds) {
        Outcome outcome = execute(command, timeoutSeconds);
        if (outcome.exitCode() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed (" + outcome.exitCode() + "):\n" + outcome.output());
        }
        return outcome.output();
    }

    /** Runs a command to its end: its exit code and output (standard output and error together), failure included. */
    public static Outcome execute(List<String> command, int timeoutSeconds) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
            }
            return new Outcome(process.exitValue(), output);
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
