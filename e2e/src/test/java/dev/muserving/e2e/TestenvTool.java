package dev.muserving.e2e;

import dev.muserving.api.testing.KubernetesControlPlane;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/** A tool {@code deploy/testenv/testenv.sh build} makes into its cache (helm, crane), or the one an environment variable names. */
final class TestenvTool {

    private TestenvTool() {}

    /** {@code $variable} when set, else what {@code testenv.sh <tool>} prints; empty when neither has it. */
    static Optional<Path> find(String tool, String variable) {
        String given = System.getenv(variable);
        if (given != null && !given.isBlank()) {
            return Optional.of(Path.of(given));
        }
        Path script = KubernetesControlPlane.repositoryRoot().resolve("deploy/testenv/testenv.sh");
        try {
            Process process = new ProcessBuilder(script.toString(), tool).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String path = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return process.waitFor() == 0 && !path.isEmpty() ? Optional.of(Path.of(path)) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
