package dev.muserving.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.muserving.api.testing.KubernetesControlPlane;
import dev.muserving.api.testing.KubernetesControlPlane.Cluster;
import dev.muserving.api.testing.KubernetesControlPlane.Nodes;
import dev.muserving.api.testing.Programs;
import dev.muserving.api.v1alpha1.FunctionNames;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The chart installed as a user installs it, onto the real control plane with process nodes: the
 * node agent runs the chart's images as the jars the build makes, kube-proxy gives Services their
 * addresses and CoreDNS their names, and pods reach the API server with their service accounts'
 * tokens. Everything becomes Ready, an example is called through the activator-lb's Service, a
 * real Prometheus scrapes every replica the API server lists, {@code helm test} passes, an upgrade
 * rolls only the Deployment whose value changed, and an uninstall leaves nothing but the CRD.
 */
@ExtendWith(KubernetesControlPlane.class)
@Nodes(kwok = "none", process = "amd64=1,arm64=1")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HelmInstallIT {

    private static final String NAMESPACE = "mu-system";
    private static final String RELEASE = "mu";
    private static final String INSTANCE = "app.kubernetes.io/instance=" + RELEASE;
    private static final Path ROOT = KubernetesControlPlane.repositoryRoot();
    private static Helm helm;
    private static Cluster cluster;
    private static KubernetesClient client;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    static void setUp(Cluster given) throws IOException {
        Optional<Helm> found = Helm.find();
        Assumptions.assumeTrue(found.isPresent(), "no helm: deploy/testenv/testenv.sh build makes it (or set MU_HELM)");
        // otherwise each install waits out its 6 minutes (found on a clone in /tmp/ci27): docs/development.md
        Assertions.assertFalse(ROOT.toAbsolutePath().startsWith("/tmp"), "the work tree " + ROOT.toAbsolutePath() + " is under /tmp,"
                + " which the chart's pods mount an emptyDir over: the node agent's pods would not find the jars their images map to;"
                + " clone the repository elsewhere");
        helm = found.get();
        cluster = given;
        client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(cluster.kubeconfig()))).build();
        // what another test applied with kubectl would make the install refuse to take these objects over
        for (String rbac : List.of("deploy/operator/rbac.yaml", "deploy/activator-lb/rbac.yaml")) {
            cluster.tryKubectl("delete", "--ignore-not-found", "-f", ROOT.resolve(rbac).toString());
        }
    }

    @AfterAll
    static void tearDown() {
        if (helm != null) {
            cluster.tryKubectl("delete", "namespace", "demo", "--ignore-not-found", "--wait=false");
            helm.run("uninstall", RELEASE, "--namespace", NAMESPACE, "--kubeconfig", cluster.kubeconfig().toString(), "--wait");
        }
        if (client != null) {
            client.close();
        }
    }

    private static String helm(String... args) {
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(new String[] {"--namespace", NAMESPACE, "--kubeconfig", cluster.kubeconfig().toString()}, 0, all, args.length, 4);
        return helm.ok(all);
    }

    @Test
    @Order(1)
    void installsAndEveryComponentBecomesReady() {
        String out = helm("install", RELEASE, Helm.CHART.toString(), "--create-namespace", "--set", "domain=mu.localhost",
                "--wait", "--timeout", "6m");
        assertThat(out).contains("STATUS: deployed").contains("helm test mu -n " + NAMESPACE); // NOTES.txt tells what to do next

        for (String name : List.of("mu-controller", "mu-activator-lb")) {
            Deployment deployment = client.apps().deployments().inNamespace(NAMESPACE).withName(name).get();
            assertThat(deployment.getStatus().getReadyReplicas()).as(name + " ready replicas").isEqualTo(2);
        }
        // one controller leads, and the metric stream's Service selects exactly its pod
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(client.pods().inNamespace(NAMESPACE)
                .withLabel("app.kubernetes.io/name", "mu-controller").withLabel("muserving.dev/leader", "true").list().getItems()).hasSize(1));
        // every activator-lb replica has its stream to the leader open (the Service's name resolved, its address routed)
        for (Pod activator : pods("mu-activator-lb")) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(log(activator)).contains("metric stream: connected"));
        }
    }

    @Test
    @Order(2)
    void anExampleIsCalledThroughTheActivatorLb() throws Exception {
        cluster.kubectl("apply", "-f", ROOT.resolve("examples/00-namespace.yaml").toString(), "-f", ROOT.resolve("examples/echo.yaml").toString());
        String service = client.services().inNamespace(NAMESPACE).withName("mu-activator-lb").get().getSpec().getClusterIP();
        URI echo = URI.create("http://" + service + "/fn/demo/echo/");
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(echo).timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString("through the chart")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("through the chart");
        });
    }

    /**
     * Prometheus scrapes the chart's pods as the PodMonitors describe them (job = the pod's
     * app.kubernetes.io/name, the activator-lb's admin port, the controller's /q/metrics, and the
     * queue-proxy's admin port in every Function's pod), and Mu's rules and the example's pod see
     * its traffic. Debian's Prometheus is built without kubernetes_sd_configs,
     * so the targets come from the API server through a file_sd file this test writes, as that
     * discovery would find them: every pod of the name, at its address and the named port.
     */
    @Test
    @Order(3)
    void prometheusScrapesEveryReplicaTheApiServerLists() throws Exception {
        Assumptions.assumeTrue(Programs.onPath("prometheus"), "prometheus is not installed (Debian: apt-get install prometheus)");
        Path targets = Files.createDirectories(Path.of("target/e2e/file-sd"));
        String service = client.services().inNamespace(NAMESPACE).withName("mu-activator-lb").get().getSpec().getClusterIP();
        URI echo = URI.create("http://" + service + "/fn/demo/echo/");
        http.send(HttpRequest.newBuilder(echo).timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.discarding()); // a pod to list
        String scrapes = discovered("mu-activator-lb", "/metrics", pods("mu-activator-lb"), "admin", targets)
                + discovered("mu-controller", "/q/metrics", pods("mu-controller"), "http", targets)
                + discovered("mu-queue-proxy", "/metrics", client.pods().inAnyNamespace()
                        .withLabel(FunctionNames.MANAGED_BY, FunctionNames.OPERATOR).list().getItems().stream()
                        .filter(p -> p.getMetadata().getDeletionTimestamp() == null && p.getStatus().getPodIP() != null).toList(), "admin", targets);
        try (LivePrometheus prometheus = LivePrometheus.start(scrapes, ROOT.resolve("deploy/prometheus/mu-rules.yaml"), Path.of("target/e2e"))) {
            await("Prometheus ready").atMost(Duration.ofSeconds(60)).until(prometheus::ready);
            await("every replica discovered and up").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(prometheus.query("up{job=\"mu-activator-lb\"} == 1")).hasSize(2);
                assertThat(prometheus.query("up{job=\"mu-controller\"} == 1")).hasSize(2);
                assertThat(prometheus.query("up{job=\"mu-queue-proxy\"} == 1")).isNotEmpty();
            });
            await("the example's traffic in Mu's rules and at its pod").atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
                http.send(HttpRequest.newBuilder(echo).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding());
                assertThat(prometheus.query("mu:requests:rate1m{function=\"echo\"} > 0")).isNotEmpty();
                assertThat(prometheus.query("mu_queue_proxy_requests_total{job=\"mu-queue-proxy\",code=\"200\"} > 0")).isNotEmpty();
            });
        }
    }

    @Test
    @Order(4)
    void helmTestPasses() throws IOException {
        String out = helm("test", RELEASE, "--timeout", "4m");
        assertThat(out).contains("mu-helm-test-invoke").contains("Phase:          Succeeded");
        // helm test --logs reads logs through kubelet's API, which the node agent does not serve: its file, then
        Path log = cluster.kubeconfig().resolveSibling("agent/logs/" + NAMESPACE + "_mu-helm-test-invoke_invoke.log");
        assertThat(Files.readString(log)).contains("hello from mu-helm-test");
    }

    @Test
    @Order(5)
    void anUpgradeRollsOnlyTheDeploymentWhoseValueChanged() {
        Set<String> controllers = names(pods("mu-controller"));
        Set<String> activators = names(pods("mu-activator-lb"));
        long controllerGeneration = generation("mu-controller");

        helm("upgrade", RELEASE, Helm.CHART.toString(), "--reuse-values", "--set", "activator.maxBodyBytes=5Mi", "--wait", "--timeout", "6m");

        await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
            List<Pod> now = pods("mu-activator-lb");
            assertThat(now).hasSize(2);
            assertThat(names(now)).doesNotContainAnyElementsOf(activators);
            assertThat(now).allSatisfy(pod -> assertThat(env(pod)).containsEntry("MU_MAX_BODY_BYTES", "5Mi"));
        });
        assertThat(generation("mu-controller")).isEqualTo(controllerGeneration);
        assertThat(names(pods("mu-controller"))).isEqualTo(controllers);
    }

    @Test
    @Order(6)
    void uninstallLeavesNothingButTheCrd() {
        cluster.kubectl("delete", "namespace", "demo", "--wait=true", "--timeout=120s"); // while the controller still finalizes Functions
        helm("uninstall", RELEASE, "--wait", "--timeout", "3m");

        await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
            String left = cluster.kubectl("get", "all,serviceaccounts,roles,rolebindings,configmaps,poddisruptionbudgets,leases",
                    "--namespace", NAMESPACE, "-l", INSTANCE, "-o", "name");
            assertThat(left).as("namespaced objects of the release").isBlank();
            String clusterWide = cluster.kubectl("get", "clusterroles,clusterrolebindings", "-l", INSTANCE, "-o", "name");
            assertThat(clusterWide).as("cluster-wide objects of the release").isBlank();
        });
        assertThat(cluster.kubectl("get", "crd", "functions.muserving.dev", "-o", "name")).contains("functions.muserving.dev");
    }

    /** A scrape job over pods the API server lists, at their container port of that name, as a PodMonitor finds them. */
    private static String discovered(String name, String path, List<Pod> pods, String portName, Path dir) throws IOException {
        List<String> addresses = pods.stream().map(pod -> pod.getStatus().getPodIP() + ":" + pod.getSpec().getContainers().stream()
                .flatMap(c -> c.getPorts().stream()).filter(p -> portName.equals(p.getName())).findFirst().orElseThrow().getContainerPort()).toList();
        Path file = Files.writeString(dir.resolve(name + ".json"), "[{\"targets\": [" + addresses.stream().map(a -> "\"" + a + "\"")
                .collect(Collectors.joining(", ")) + "]}]");
        return """
                  - job_name: %s
                    metrics_path: %s
                    file_sd_configs:
                      - files: ['%s']
                """.formatted(name, path, file.toAbsolutePath());
    }

    private static List<Pod> pods(String name) {
        return client.pods().inNamespace(NAMESPACE).withLabel("app.kubernetes.io/name", name).list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
    }

    private static Set<String> names(List<Pod> pods) {
        return pods.stream().map(p -> p.getMetadata().getName()).collect(Collectors.toSet());
    }

    private static long generation(String deployment) {
        return client.apps().deployments().inNamespace(NAMESPACE).withName(deployment).get().getMetadata().getGeneration();
    }

    private static Map<String, String> env(Pod pod) {
        return pod.getSpec().getContainers().get(0).getEnv().stream().filter(e -> e.getValue() != null)
                .collect(Collectors.toMap(e -> e.getName(), e -> e.getValue()));
    }

    /** A pod's log as the node agent keeps it (it serves no kubelet log API). */
    private static String log(Pod pod) throws IOException {
        Path file = cluster.kubeconfig().resolveSibling("agent/logs/" + NAMESPACE + "_" + pod.getMetadata().getName()
                + "_" + pod.getSpec().getContainers().get(0).getName() + ".log");
        return Files.exists(file) ? Files.readString(file) : "";
    }
}
