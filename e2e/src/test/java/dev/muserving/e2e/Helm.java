package dev.muserving.e2e;

import dev.muserving.api.testing.KubernetesControlPlane;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The helm binary {@code deploy/testenv/testenv.sh build} makes (or {@code $MU_HELM}), run as a user
 * runs it.
 */
final class Helm {

    static final Path CHART = KubernetesControlPlane.repositoryRoot().resolve("charts/mu");

    record Outcome(int exitCode, String output) {}

    private final Path binary;

    private Helm(Path binary) {
        this.binary = binary;
    }

    /** The helm binary, when there is one: {@code $MU_HELM}, else the one {@code testenv.sh build} made ({@code testenv.sh helm} says where). */
    static Optional<Helm> find() {
        String given = System.getenv("MU_HELM");
        if (given != null && !given.isBlank()) {
            return Optional.of(new Helm(Path.of(given)));
        }
        Path script = KubernetesControlPlane.repositoryRoot().resolve("deploy/testenv/testenv.sh");
        try {
            Process process = new ProcessBuilder(script.toString(), "helm").redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String path = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return process.waitFor() == 0 && !path.isEmpty() ? Optional.of(new Helm(Path.of(path))) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Outcome run(String... args) {
        List<String> command = new ArrayList<>(List.of(binary.toString()));
        command.addAll(List.of(args));
        try {
            Path out = Files.createTempFile("mu-helm", ".out");
            try {
                Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
                if (!process.waitFor(300, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError("helm " + String.join(" ", args) + " did not finish within 300 s");
                }
                return new Outcome(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs helm and returns its output, or fails the test with it. */
    String ok(String... args) {
        Outcome outcome = run(args);
        if (outcome.exitCode() != 0) {
            throw new AssertionError("helm " + String.join(" ", args) + " failed (" + outcome.exitCode() + "):\n" + outcome.output());
        }
        return outcome.output();
    }
}
