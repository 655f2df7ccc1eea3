package dev.muserving.e2e;

import dev.muserving.api.testing.KubernetesControlPlane;
import dev.muserving.api.testing.KubernetesControlPlane.Outcome;
import dev.muserving.api.testing.Programs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The helm binary {@code deploy/testenv/testenv.sh build} makes (or {@code $MU_HELM}), run as a user
 * runs it.
 */
final class Helm {

    static final Path CHART = KubernetesControlPlane.repositoryRoot().resolve("charts/mu");

    private final Path binary;

    private Helm(Path binary) {
        this.binary = binary;
    }

    /** The helm binary, when there is one: {@code $MU_HELM}, else the one {@code testenv.sh build} made. */
    static Optional<Helm> find() {
        return TestenvTool.find("helm", "MU_HELM").map(Helm::new);
    }

    Outcome run(String... args) {
        List<String> command = new ArrayList<>(List.of(binary.toString()));
        command.addAll(List.of(args));
        return Programs.execute(command, 420);
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
