package dev.muserving.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muserving.api.testing.KubernetesControlPlane;
import dev.muserving.api.testing.KubernetesControlPlane.Cluster;
import dev.muserving.api.testing.KubernetesControlPlane.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The generated CRD on a real kube-apiserver: a valid Function is stored with its defaults, and each
 * kind of invalid Function is refused by `kubectl apply` with a message that names the field, and
 * nothing is created.
 */
@ExtendWith(KubernetesControlPlane.class)
class FunctionValidationTest {

    private static final String NAMESPACE = "mu-crd-" + Long.toString(System.nanoTime(), 36);
    private static final String VALID_SPEC = """
              image: registry.example/echo:1
              resources: {cpu: 250m, memory: 128Mi}
            """;

    @TempDir
    static Path dir;

    @BeforeAll
    static void installTheCrd(Cluster cluster) {
        cluster.kubectl("apply", "-f", KubernetesControlPlane.repositoryRoot().resolve("deploy/crds").resolve(CrdIsCurrentTest.FILE).toString());
        cluster.kubectl("wait", "--for=condition=Established", "--timeout=60s", "crd/functions.muserving.dev");
        cluster.kubectl("create", "namespace", NAMESPACE);
    }

    @AfterAll
    static void removeTheNamespace(Cluster cluster) {
        cluster.kubectl("delete", "namespace", NAMESPACE, "--wait=false");
    }

    private static Path function(String name, String spec) throws IOException {
        return write(name, InvalidFunctions.yaml(NAMESPACE, name, spec));
    }

    private static Path write(String name, String yaml) throws IOException {
        return Files.writeString(dir.resolve(name + ".yaml"), yaml);
    }

    @Test
    void aValidFunctionIsStoredWithItsDefaultsAndShowsItsColumns(Cluster cluster) throws IOException {
        cluster.kubectl("apply", "-f", function("echo", VALID_SPEC).toString());
        String spec = cluster.kubectl("-n", NAMESPACE, "get", "fn", "echo", "-o",
                "jsonpath={.spec.port} {.spec.containerConcurrency} {.spec.timeout} {.spec.weight}");
        assertThat(spec).isEqualTo("8080 0 300s 1");
        assertThat(cluster.kubectl("-n", NAMESPACE, "get", "fn", "echo", "-o", "jsonpath={.spec.scale.min} {.spec.scale.initial}"))
                .as("scale is defaulted whole").isEqualTo("0 1");

        cluster.kubectl("apply", "-f", function("bare", "  image: registry.example/echo:1\n").toString());
        assertThat(cluster.kubectl("-n", NAMESPACE, "get", "fn", "bare", "-o", "jsonpath={.spec.resources.cpu} {.spec.resources.memory}"))
                .as("resources are not required; Knative does not require them").isEqualTo("100m 128Mi");
        assertThat(cluster.kubectl("-n", NAMESPACE, "get", "functions")).startsWith("NAME").contains("DESIRED", "ALLOCATED", "SERVING", "URL", "AGE");

        cluster.kubectl("apply", "-f", function("scaled", VALID_SPEC + "  scale: {max: 5}\n").toString());
        assertThat(cluster.kubectl("-n", NAMESPACE, "get", "fn", "scaled", "-o", "jsonpath={.spec.scale.min} {.spec.scale.initial} {.spec.scale.scaleToZeroAfter}"))
                .isEqualTo("0 1 90s");
        cluster.kubectl("-n", NAMESPACE, "scale", "fn", "scaled", "--replicas=2");
        assertThat(cluster.kubectl("-n", NAMESPACE, "get", "fn", "scaled", "-o", "jsonpath={.spec.scale.min}")).isEqualTo("2");
    }

    @Test
    void theShippedExamplesApplyToAClusterAsTheyAre(Cluster cluster) {
        String examples = KubernetesControlPlane.repositoryRoot().resolve("examples").toString();
        cluster.tryKubectl("delete", "namespace", "demo", "--wait=true");
        String applied = cluster.kubectl("apply", "-f", examples);
        assertThat(applied).contains("namespace/demo created", "function.muserving.dev/echo created",
                "function.muserving.dev/resize created", "function.muserving.dev/webhook created");
        cluster.kubectl("delete", "-f", examples, "--wait=false");
    }

    static List<InvalidFunctions.Case> invalidFunctions() {
        return InvalidFunctions.cases();
    }

    @Test
    void aFunctionWithoutSpecOrWithANameThatIsNoDnsLabelIsRefused(Cluster cluster) throws IOException {
        Outcome noSpec = cluster.tryKubectl("apply", "-f", write("no-spec",
                "apiVersion: muserving.dev/v1alpha1\nkind: Function\nmetadata: {name: no-spec, namespace: " + NAMESPACE + "}\n").toString());
        assertThat(noSpec.exitCode()).as(noSpec.output()).isNotZero();
        assertThat(noSpec.output()).contains("spec: Required value");

        for (String name : List.of("9-lives", "a".repeat(64))) {
            Outcome badName = cluster.tryKubectl("apply", "-f", function(name, VALID_SPEC).toString());
            assertThat(badName.exitCode()).as(badName.output()).isNotZero();
            assertThat(badName.output()).contains("metadata.name must be a DNS label");
        }
        assertThat(cluster.kubectl("-n", NAMESPACE, "get", "fn", "-o", "name")).doesNotContain("no-spec", "9-lives", "aaaa");
    }

    @Test
    void kubectlExplainDescribesEveryField(Cluster cluster) {
        String spec = cluster.kubectl("explain", "function.spec");
        assertThat(spec).contains("What the function runs and how it scales", "The function's container image",
                "The most requests one pod serves at once", "Default: cpu 100m, memory 128Mi");
        for (String field : List.of("spec", "spec.resources", "spec.scale", "spec.slo", "spec.local", "spec.env", "status", "status.replicas")) {
            assertThat(cluster.kubectl("explain", "function." + field)).as(field).doesNotContain("<no description>", "<empty>");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidFunctions")
    void anInvalidFunctionIsRefusedNamingTheFieldAndNothingIsCreated(InvalidFunctions.Case invalid, Cluster cluster) throws IOException {
        Outcome outcome = cluster.tryKubectl("apply", "-f", function(invalid.name(), invalid.spec()).toString());
        assertThat(outcome.exitCode()).as(outcome.output()).isNotZero();
        assertThat(outcome.output()).contains(invalid.names());
        assertThat(cluster.tryKubectl("-n", NAMESPACE, "get", "fn", invalid.name()).exitCode()).isNotZero();
    }
}
