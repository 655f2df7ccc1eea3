package dev.muserving.operator.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.muserving.api.Arch;
import dev.muserving.api.testing.KubernetesControlPlane;
import dev.muserving.api.testing.KubernetesControlPlane.Cluster;
import dev.muserving.api.v1alpha1.Function;
import dev.muserving.api.v1alpha1.FunctionMapping;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model's objects on a real API server, scheduled by kube-scheduler onto KWOK nodes: each
 * architecture's pods land only on nodes of that architecture, and deleting the Function removes
 * every child through the garbage collector.
 */
@ExtendWith(KubernetesControlPlane.class)
class WorkloadOnTheApiServerTest {

    private final KubernetesSerialization serialization = new KubernetesSerialization();

    @Test
    void childrenAreValidLandOnTheirArchitectureAndGoWithTheirFunction(Cluster cluster, @TempDir Path dir) throws Exception {
        cluster.kubectl("apply", "-f", KubernetesControlPlane.repositoryRoot().resolve("deploy/crds/functions.muserving.dev-v1.yml").toString());
        cluster.kubectl("wait", "--for=condition=Established", "--timeout=60s", "crd/functions.muserving.dev");
        String ns = "mu-model-" + Long.toString(System.nanoTime(), 36);
        cluster.kubectl("create", "namespace", ns);
        try {
            Path fnFile = Files.writeString(dir.resolve("fn.yaml"), """
                    apiVersion: muserving.dev/v1alpha1
                    kind: Function
                    metadata: {name: resize, namespace: %s}
                    spec:
                      images: {amd64: registry.example/resize:1-amd64, arm64: registry.example/resize:1-arm64}
                      resources: {cpu: 250m, memory: 128Mi}
                      containerConcurrency: 4
                    """.formatted(ns));
            cluster.kubectl("apply", "-f", fnFile.toString());
            Function fn = serialization.unmarshal(cluster.kubectl("-n", ns, "get", "fn", "resize", "-o", "json"), Function.class);

            // kube-scheduler stands in for Mu's placement until it lands
            FunctionWorkloadModel model = new FunctionWorkloadModel(OperatorSettings.DEFAULTS.withScheduler("default-scheduler"));
            StringBuilder children = new StringBuilder();
            for (Arch arch : FunctionMapping.resolve(fn).spec().architectures()) {
                children.append("---\n").append(serialization.asYaml(model.toDeployment(fn, arch, 2)));
            }
            children.append("---\n").append(serialization.asYaml(model.toService(fn)));
            cluster.kubectl("apply", "-f", Files.writeString(dir.resolve("children.yaml"), children).toString());

            await().atMost(Duration.ofSeconds(60)).until(() -> cluster.kubectl("-n", ns, "get", "pods", "-o",
                    "jsonpath={range .items[*]}{.status.phase}{\"\\n\"}{end}").lines().filter("Running"::equals).count() == 4);
            for (Arch arch : Arch.values()) {
                String nodes = cluster.kubectl("-n", ns, "get", "pods", "-l", "muserving.dev/arch=" + arch.label(), "-o",
                        "jsonpath={range .items[*]}{.spec.nodeName}{\"\\n\"}{end}");
                assertThat(nodes.lines()).hasSize(2).allMatch(node -> node.startsWith("kwok-" + arch.label() + "-"));
            }

            cluster.kubectl("-n", ns, "delete", "fn", "resize", "--wait=true");
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    cluster.kubectl("-n", ns, "get", "deployments,services,replicasets,pods", "-o", "name").isBlank());
        } finally {
            cluster.kubectl("delete", "namespace", ns, "--wait=false");
        }
    }
}
