package dev.muserving.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muserving.api.testing.KubernetesControlPlane;
import dev.muserving.api.testing.KubernetesControlPlane.Cluster;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The test control plane works as the operator's tests will need it: nodes of both architectures
 * are Ready, a Deployment's pods are scheduled onto them, and deleting it removes them (garbage
 * collection).
 */
@ExtendWith(KubernetesControlPlane.class)
class ControlPlaneTest {

    @Test
    void nodesOfBothArchitecturesAreReadyAndADeploymentRunsAndGoes(Cluster cluster) {
        String nodes = cluster.kubectl("get", "nodes", "-o",
                "jsonpath={range .items[*]}{.metadata.labels.kubernetes\\.io/arch}={.status.conditions[?(@.type==\"Ready\")].status}{\"\\n\"}{end}");
        assertThat(nodes.lines()).contains("amd64=True", "arm64=True").allMatch(l -> l.endsWith("=True"));

        String ns = "mu-smoke-" + Long.toString(System.nanoTime(), 36);
        cluster.kubectl("create", "namespace", ns);
        try {
            cluster.kubectl("-n", ns, "create", "deployment", "web", "--image=registry.example/web:1", "--replicas=3");
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() ->
                    cluster.kubectl("-n", ns, "get", "pods", "-o", "jsonpath={.items[*].status.phase}").split(" ").length == 3
                            && cluster.kubectl("-n", ns, "get", "pods", "-o", "jsonpath={.items[*].status.phase}").matches("(Running ?)+"));
            cluster.kubectl("-n", ns, "delete", "deployment", "web", "--wait=true");
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> cluster.kubectl("-n", ns, "get", "pods", "-o", "name").isBlank());
        } finally {
            cluster.kubectl("delete", "namespace", ns, "--wait=false");
        }
    }
}
