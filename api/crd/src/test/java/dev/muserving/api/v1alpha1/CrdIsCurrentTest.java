package dev.muserving.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.muserving.api.testing.KubernetesControlPlane;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

    /**
     * kubectl explain shows a field's description, not its schema default, so a description that
     * names a default must name the one the API server fills in (one said 60s after it became 90s).
     */
    @Test
    void everyDefaultADescriptionNamesIsTheSchemasDefault() throws IOException {
        JsonNode crd = new ObjectMapper(new YAMLFactory()).readTree(Path.of("target/classes/META-INF/fabric8", FILE).toFile());
        JsonNode spec = crd.at("/spec/versions/0/schema/openAPIV3Schema/properties/spec");
        List<String> checked = new ArrayList<>();
        checkDefaults("spec", spec, checked);
        assertThat(checked).as("fields whose description names their default").contains("spec.port", "spec.scale.scaleToZeroAfter",
                "spec.timeout", "spec.resources.cpu");
    }

    private static void checkDefaults(String path, JsonNode schema, List<String> checked) {
        Matcher named = Pattern.compile("Default: ([^ ]+?)\\.?( \\(.*\\))?\\.?$").matcher(schema.path("description").asText());
        if (named.find() && schema.has("default") && schema.path("default").isValueNode()) {
            assertThat(named.group(1)).as(path + ": the default its description names").isEqualTo(schema.path("default").asText()
                    .replaceAll("\\.0$", ""));
            checked.add(path);
        }
        schema.path("properties").fields().forEachRemaining(field -> checkDefaults(path + "." + field.getKey(), field.getValue(), checked));
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
