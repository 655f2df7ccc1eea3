package dev.muserving.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muserving.api.testing.KubernetesControlPlane;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The build writes the CRD generated from these classes to deploy/crds and charts/mu/crds; what is
 * committed there must be that output, or users and the chart would install a stale schema.
 */
class CrdIsCurrentTest {

    static final String FILE = "functions.muserving.dev-v1.yml";

    @Test
    void bothCopiesAreWhatTheBuildGenerates() throws IOException {
        Path root = KubernetesControlPlane.repositoryRoot();
        String generated = Files.readString(Path.of("target/classes/META-INF/fabric8", FILE));
        assertThat(Files.readString(root.resolve("deploy/crds").resolve(FILE))).isEqualTo(generated);
        assertThat(Files.readString(root.resolve("charts/mu/crds").resolve(FILE))).isEqualTo(generated);
    }

    @Test
    void theCommittedCopiesAreCurrent() throws Exception {
        Path root = KubernetesControlPlane.repositoryRoot();
        Assumptions.assumeTrue(Files.isDirectory(root.resolve(".git")), "not a git checkout: nothing committed to compare with");
        Process git = new ProcessBuilder("git", "-C", root.toString(), "status", "--porcelain", "--", "deploy/crds", "charts/mu/crds")
                .redirectErrorStream(true).start();
        String changes = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(git.waitFor()).isZero();
        assertThat(changes)
                .as("the CRD generated from api/crd differs from the committed copy; commit deploy/crds and charts/mu/crds")
                .isEmpty();
    }
}
