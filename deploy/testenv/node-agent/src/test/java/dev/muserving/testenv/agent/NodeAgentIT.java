package dev.muserving.testenv.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.muserving.api.testing.KubernetesControlPlane;
import dev.muserving.api.testing.KubernetesControlPlane.Cluster;
import dev.muserving.api.testing.KubernetesControlPlane.Nodes;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The node agent on the real control plane, with process nodes only: pods of the example Deployment
 * really run (the emulated function behind the queue-proxy, each pod in its own network namespace),
 * answer at their EndpointSlice addresses, come back from a crash, go with their pods, survive an
 * agent restart, and an image the agent cannot run is reported as kubelet would.
 */
@ExtendWith(KubernetesControlPlane.class)
@Nodes(kwok = "none", process = "amd64=1,arm64=1")
class NodeAgentIT {

    private static final Duration READY = Duration.ofSeconds(90);
    private static KubernetesClient client;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).version(HttpClient.Version.HTTP_1_1).build();
    private String ns;

    @BeforeAll
    static void connect(Cluster cluster) throws IOException {
        client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(cluster.kubeconfig()))).build();
    }

    @AfterAll
    static void disconnect() {
        if (client != null) {
            client.close();
        }
    }

    @BeforeEach
    void namespace() {
        ns = "agent-" + Long.toString(System.nanoTime(), 36);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
    }

    @AfterEach
    void dropNamespace() {
        client.namespaces().withName(ns).delete();
    }

    private void applyExample(Cluster cluster) {
        cluster.kubectl("-n", ns, "apply", "-f", KubernetesControlPlane.repositoryRoot().resolve("deploy/testenv/examples/echo-deployment.yaml").toString());
    }

    private List<Pod> pods() {
        return client.pods().inNamespace(ns).withLabel("app", "echo").list().getItems();
    }

    private static boolean ready(Pod pod) {
        return pod.getStatus() != null && pod.getStatus().getConditions() != null && pod.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private List<Pod> awaitPods(int count, Predicate<Pod> each) {
        await("%d pods".formatted(count)).atMost(READY).until(() -> {
            List<Pod> pods = pods();
            return pods.size() == count && pods.stream().allMatch(each);
        });
        return pods();
    }

    private static ContainerStatus container(Pod pod, String name) {
        return pod.getStatus().getContainerStatuses().stream().filter(c -> name.equals(c.getName())).findFirst().orElseThrow();
    }

    private static long pid(Pod pod, String container) {
        String id = container(pod, container).getContainerID();
        return Long.parseLong(id.substring(id.lastIndexOf('/') + 1));
    }

    private static Set<Long> pids(Pod pod) {
        return pod.getStatus().getContainerStatuses().stream().map(c -> pid(pod, c.getName())).collect(Collectors.toSet());
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static String netns(Pod pod) {
        return PodNetwork.namespaceOf(pod.getMetadata().getUid());
    }

    private static List<String> podNamespaces() throws IOException, InterruptedException {
        Process list = new ProcessBuilder("ip", "netns", "list").start();
        String out = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        list.waitFor();
        return out.lines().map(l -> l.split(" ")[0]).toList();
    }

    @Test
    void theExampleDeploymentServesFromRealProcessesAtItsEndpointSliceAddresses(Cluster cluster) throws Exception {
        applyExample(cluster);
        List<Pod> pods = awaitPods(2, NodeAgentIT::ready);
        assertThat(pods).allSatisfy(p -> {
            assertThat(p.getStatus().getPhase()).isEqualTo("Running");
            assertThat(p.getStatus().getPodIP()).startsWith("10.244.0.");
            assertThat(p.getSpec().getNodeName()).startsWith("proc-");
        });
        Map<String, String> podByIp = pods.stream().collect(Collectors.toMap(p -> p.getStatus().getPodIP(), p -> p.getMetadata().getName()));

        await("the EndpointSlice lists both pods ready").atMost(READY).until(() -> readyAddresses().equals(podByIp.keySet()));
        for (Map.Entry<String, String> pod : podByIp.entrySet()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://" + pod.getKey() + ":8012/hello")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Mu-Pod")).contains(pod.getValue());
            assertThat(response.headers().firstValue("Mu-Queue-Length")).isPresent();
        }

        // each node's speed reaches its pods, and the pods run as the user they ask for
        for (Pod pod : pods) {
            long function = pid(pod, "function");
            String environ = Files.readString(Path.of("/proc/" + function + "/environ")).replace('\0', '\n');
            assertThat(environ).contains("MU_NODE_SPEED=" + (pod.getSpec().getNodeName().contains("arm64") ? "0.6" : "1.0"));
            assertThat(Files.getAttribute(Path.of("/proc/" + function), "unix:uid")).isEqualTo(65532);
        }
    }

    /** The end of the node agent's log, in testenv's run directory beside the cluster's kubeconfig. */
    private static String agentLogTail(Cluster cluster) {
        Path log = cluster.kubeconfig().resolveSibling("node-agent.log");
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    private Set<String> readyAddresses() {
        return client.discovery().v1().endpointSlices().inNamespace(ns).withLabel("kubernetes.io/service-name", "echo").list().getItems()
                .stream().map(EndpointSlice::getEndpoints).filter(e -> e != null).flatMap(List::stream)
                .filter(e -> e.getConditions() != null && Boolean.TRUE.equals(e.getConditions().getReady()))
                .map(Endpoint::getAddresses).flatMap(List::stream).collect(Collectors.toSet());
    }

    @Test
    void aKilledFunctionProcessIsRestartedAndItsPodIsReadyAgain(Cluster cluster) throws Exception {
        applyExample(cluster);
        Pod pod = awaitPods(2, NodeAgentIT::ready).get(0);
        long killed = pid(pod, "function");
        new ProcessBuilder("kill", "-9", Long.toString(killed)).start().waitFor();

        String name = pod.getMetadata().getName();
        try {
            await("restarted and ready").atMost(READY).until(() -> {
                Pod now = client.pods().inNamespace(ns).withName(name).get();
                return container(now, "function").getRestartCount() >= 1 && ready(now);
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // seen once in a full CI run and never alone: say what the pod and the agent were doing
            throw new AssertionError(e.getMessage() + "\npod status: " + client.pods().inNamespace(ns).withName(name).get().getStatus()
                    + "\nnode agent log (end):\n" + agentLogTail(cluster), e);
        }
        Pod after = client.pods().inNamespace(ns).withName(name).get();
        assertThat(container(after, "function").getLastState().getTerminated().getExitCode()).isEqualTo(137);
        assertThat(pid(after, "function")).isNotEqualTo(killed);
        assertThat(container(after, "queue-proxy").getRestartCount()).isZero();
    }

    @Test
    void scalingDownStopsExactlyTheDeletedPodsProcessesAndDeletingLeavesNone(Cluster cluster) throws Exception {
        applyExample(cluster);
        List<Pod> before = awaitPods(2, NodeAgentIT::ready);
        cluster.kubectl("-n", ns, "scale", "deployment", "echo", "--replicas=1");
        Pod kept = awaitPods(1, p -> p.getMetadata().getDeletionTimestamp() == null).get(0);
        Pod gone = before.stream().filter(p -> !p.getMetadata().getUid().equals(kept.getMetadata().getUid())).findFirst().orElseThrow();
        await("the deleted pod's processes end").atMost(READY).until(() -> pids(gone).stream().noneMatch(NodeAgentIT::alive));
        assertThat(pids(kept)).allMatch(NodeAgentIT::alive);
        assertThat(podNamespaces()).doesNotContain(netns(gone)).contains(netns(kept));

        cluster.kubectl("-n", ns, "delete", "deployment", "echo");
        await("no pod left").atMost(READY).until(() -> pods().isEmpty());
        await("no process left").atMost(READY).until(() -> pids(kept).stream().noneMatch(NodeAgentIT::alive));
        assertThat(podNamespaces()).doesNotContain(netns(kept), netns(gone));
    }

    @Test
    void aKilledAgentAdoptsItsPodsNothingRunsTwiceAndItStillActs(Cluster cluster) throws Exception {
        applyExample(cluster);
        List<Pod> before = awaitPods(2, NodeAgentIT::ready);
        Map<String, Set<Long>> pidsBefore = before.stream().collect(Collectors.toMap(p -> p.getMetadata().getName(), NodeAgentIT::pids));

        KubernetesControlPlane.restartNodeAgent(true);

        // the same processes, still ready, and nothing started twice in their namespaces
        List<Pod> after = awaitPods(2, NodeAgentIT::ready);
        for (Pod pod : after) {
            assertThat(pids(pod)).isEqualTo(pidsBefore.get(pod.getMetadata().getName())).allMatch(NodeAgentIT::alive);
            Process list = new ProcessBuilder("ip", "netns", "pids", netns(pod)).start();
            Set<Long> inNamespace = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                    .map(Long::parseLong).collect(Collectors.toSet());
            assertThat(inNamespace).isEqualTo(pidsBefore.get(pod.getMetadata().getName()));
        }
        // and the new agent watches them: a crash is restarted, a deletion stops them
        Pod pod = after.get(0);
        new ProcessBuilder("kill", "-9", Long.toString(pid(pod, "queue-proxy"))).start().waitFor();
        await("restarted").atMost(READY).until(() -> {
            Pod now = client.pods().inNamespace(ns).withName(pod.getMetadata().getName()).get();
            return container(now, "queue-proxy").getRestartCount() >= 1 && ready(now);
        });
        cluster.kubectl("-n", ns, "delete", "deployment", "echo");
        await("no process left").atMost(READY).until(() -> after.stream().flatMap(p -> pidsBefore.get(p.getMetadata().getName()).stream())
                .noneMatch(NodeAgentIT::alive) && pods().isEmpty());
    }

    @Test
    void anImageWithoutAMappingWaitsNamingItAndTheAgentGoesOn(Cluster cluster) throws IOException {
        Path manifest = Files.writeString(Files.createTempFile("unmapped", ".yaml"), """
                apiVersion: v1
                kind: Pod
                metadata: {name: unmapped}
                spec:
                  containers:
                    - {name: app, image: registry.example/nothing-here:1.0}
                """);
        cluster.kubectl("-n", ns, "apply", "-f", manifest.toString());
        await("waiting, with the reason").atMost(READY).until(() -> {
            Pod pod = client.pods().inNamespace(ns).withName("unmapped").get();
            return pod.getStatus().getContainerStatuses() != null && !pod.getStatus().getContainerStatuses().isEmpty()
                    && pod.getStatus().getContainerStatuses().get(0).getState().getWaiting() != null;
        });
        ContainerStatus status = client.pods().inNamespace(ns).withName("unmapped").get().getStatus().getContainerStatuses().get(0);
        assertThat(status.getState().getWaiting().getReason()).isEqualTo("ErrImagePull");
        assertThat(status.getState().getWaiting().getMessage()).contains("registry.example/nothing-here:1.0", "deploy/testenv/images.yaml");
        assertThat(status.getReady()).isFalse();

        applyExample(cluster);
        awaitPods(2, NodeAgentIT::ready);
        cluster.kubectl("-n", ns, "delete", "pod", "unmapped");
        await("the unmapped pod goes").atMost(READY).until(() -> client.pods().inNamespace(ns).withName("unmapped").get() == null);
    }

    /**
     * What in-cluster programs count on, from inside a pod: its ConfigMap and emptyDir volumes, the
     * service-account token that authenticates it to the API server at KUBERNETES_SERVICE_HOST
     * (a ClusterIP, through kube-proxy), Service names (CoreDNS), a read-only root filesystem
     * where its writable volume still takes writes, and restartPolicy Never ending
     * the pod Succeeded or Failed with its status kept.
     */
    @Test
    void aPodSeesItsVolumesTokenAndServiceNamesAndEndsAsItsRestartPolicySays(Cluster cluster) throws IOException {
        Path manifest = Files.writeString(Files.createTempFile("finite", ".yaml"), """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: greeting}
                data: {text: hello from a configmap}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: inside}
                spec:
                  restartPolicy: Never
                  securityContext: {runAsNonRoot: true, runAsUser: 65532}
                  containers:
                    - name: check
                      image: busybox:1.36
                      command: [sh, -c]
                      args:
                        - >-
                          set -e;
                          cat /config/text; echo;
                          echo scratch > /scratch/file;
                          if touch /tmp/mu-read-only-root-check 2>/dev/null; then echo "root writable"; exit 9; fi;
                          echo "root read-only";
                          sa=/var/run/secrets/kubernetes.io/serviceaccount;
                          echo "namespace $(cat $sa/namespace)";
                          getent hosts kubernetes.default.svc;
                          curl -sS --cacert $sa/ca.crt -H "Authorization: Bearer $(cat $sa/token)"
                          https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT/api/v1/namespaces/$(cat $sa/namespace)/pods/inside
                          -o /scratch/self -w 'api %{http_code}\\n'
                      securityContext: {readOnlyRootFilesystem: true}
                      volumeMounts:
                        - {name: config, mountPath: /config, readOnly: true}
                        - {name: scratch, mountPath: /scratch}
                  volumes:
                    - {name: config, configMap: {name: greeting}}
                    - {name: scratch, emptyDir: {}}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: failing}
                spec:
                  restartPolicy: Never
                  containers:
                    - {name: check, image: busybox:1.36, command: [sh, -c, "exit 3"]}
                """);
        cluster.kubectl("-n", ns, "apply", "-f", manifest.toString());
        await("both pods end").atMost(READY).until(() -> List.of("inside", "failing").stream().allMatch(name -> {
            Pod pod = client.pods().inNamespace(ns).withName(name).get();
            return pod != null && pod.getStatus() != null && List.of("Succeeded", "Failed").contains(pod.getStatus().getPhase());
        }));
        Path logs = cluster.kubeconfig().resolveSibling("agent/logs");
        String log = Files.readString(logs.resolve(ns + "_inside_check.log"));
        assertThat(client.pods().inNamespace(ns).withName("inside").get().getStatus().getPhase()).as(log).isEqualTo("Succeeded");
        assertThat(log).contains("hello from a configmap", "namespace " + ns, "kubernetes.default.svc", "root read-only")
                // the default service account may read nothing: the API server knew the token (403, not 401)
                .contains("api 403");
        Pod failing = client.pods().inNamespace(ns).withName("failing").get();
        assertThat(failing.getStatus().getPhase()).isEqualTo("Failed");
        assertThat(failing.getStatus().getContainerStatuses().get(0).getState().getTerminated().getExitCode()).isEqualTo(3);
        assertThat(failing.getStatus().getContainerStatuses().get(0).getRestartCount()).isZero();
    }
}
