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
import java.util.stream.Stream;

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

    /** The helm binary, when there is one. */
    static Optional<Helm> find() {
        String given = System.getenv("MU_HELM");
        if (given != null && !given.isBlank()) {
            return Optional.of(new Helm(Path.of(given)));
        }
        String cacheRoot = System.getenv("MU_TESTENV_CACHE");
        Path cache = cacheRoot != null ? Path.of(cacheRoot)
                : Path.of(Optional.ofNullable(System.getenv("XDG_CACHE_HOME")).orElse(System.getProperty("user.home") + "/.cache"), "mu-testenv");
        if (!Files.isDirectory(cache)) {
            return Optional.empty();
        }
        try (Stream<Path> dirs = Files.list(cache)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("helm-")).map(d -> d.resolve("bin/helm"))
                    .filter(Files::isExecutable).sorted().reduce((a, b) -> b).map(Helm::new);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
