package dev.muserving.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.muserving.api.testing.KubernetesControlPlane;
import dev.muserving.api.testing.KubernetesControlPlane.Cluster;
import dev.muserving.api.testing.KubernetesControlPlane.Nodes;
import dev.muserving.api.v1alpha1.Function;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * mu-placement on the real control plane, with no other scheduler for its pods: a contended burst
 * split by weight, a controller killed mid-burst, a node deleted under its pods, a pod that never
 * fits. Two amd64 and two arm64 KWOK nodes of 4 CPUs each.
 */
@ExtendWith(KubernetesControlPlane.class)
@Nodes(kwok = "amd64=2,arm64=2")
class MuSchedulerIT {

    private static final Duration CONVERGE = Duration.ofSeconds(120);
    private static KubernetesClient client;

    @BeforeAll
    static void installTheCrd(Cluster cluster) throws IOException {
        cluster.kubectl("apply", "-f", KubernetesControlPlane.repositoryRoot().resolve("deploy/crds/functions.muserving.dev-v1.yml").toString());
        cluster.kubectl("wait", "--for=condition=Established", "--timeout=60s", "crd/functions.muserving.dev");
        client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(cluster.kubeconfig()))).build();
    }

    @AfterAll
    static void closeTheClient() {
        if (client != null) {
            client.close();
        }
    }

    private static String namespace(String purpose) {
        String ns = "mu-sched-" + purpose + "-" + Long.toString(System.nanoTime(), 36);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
        return ns;
    }

    /** So that no test finds the pods or Functions of the one before it still holding room. */
    private static void deleteAndAwaitGone(String ns) {
        client.namespaces().withName(ns).delete();
        await("namespace " + ns + " gone").atMost(Duration.ofSeconds(120)).until(() -> client.namespaces().withName(ns).get() == null);
    }

    /** A Function of whole-CPU pods (975m + the queue-proxy's 25m). */
    private static Function function(String ns, String name, int replicas, double weight, String architectures) {
        return client.getKubernetesSerialization().unmarshal("""
                apiVersion: muserving.dev/v1alpha1
                kind: Function
                metadata: {name: %s, namespace: %s}
                spec:
                  image: registry.example/%s:1
                  architectures: %s
                  resources: {cpu: 975m, memory: 128Mi}
                  scale: {min: %d, initial: %d}
                  weight: %s
                """.formatted(name, ns, name, architectures, replicas, replicas, weight), Function.class);
    }

    private static Function get(String ns, String name) {
        return client.resources(Function.class).inNamespace(ns).withName(name).get();
    }

    private static Optional<Condition> condition(Function fn, String type) {
        return fn == null || fn.getStatus() == null || fn.getStatus().conditions == null ? Optional.empty()
                : fn.getStatus().conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    private static List<Pod> pods(String ns, Predicate<Pod> which) {
        return client.pods().inNamespace(ns).list().getItems().stream().filter(which).toList();
    }

    private static boolean bound(Pod pod) {
        return pod.getSpec().getNodeName() != null && pod.getMetadata().getDeletionTimestamp() == null;
    }

    private static void assertNoNodeOverbooked() {
        Map<String, BigDecimal> cpu = new HashMap<>();
        for (Pod pod : client.pods().inAnyNamespace().list().getItems()) {
            if (pod.getSpec().getNodeName() != null) {
                pod.getSpec().getContainers().forEach(c -> {
                    Quantity q = c.getResources() == null || c.getResources().getRequests() == null ? null : c.getResources().getRequests().get("cpu");
                    cpu.merge(pod.getSpec().getNodeName(), q == null ? BigDecimal.ZERO : q.getNumericalAmount(), BigDecimal::add);
                });
            }
        }
        for (Node node : client.nodes().list().getItems()) {
            BigDecimal allocatable = node.getStatus().getAllocatable().get("cpu").getNumericalAmount();
            assertThat(cpu.getOrDefault(node.getMetadata().getName(), BigDecimal.ZERO)).as(node.getMetadata().getName())
                    .isLessThanOrEqualTo(allocatable);
        }
    }

    @Test
    void aBurstOfTwoFunctionsUnderContentionIsSplitByTheirWeights(Cluster cluster) {
        String ns = namespace("share");
        try (OperatorProcess operator = OperatorProcess.start(cluster, "sched-share", Map.of()).awaitLeading()) {
            // 8 whole CPUs on the two amd64 nodes; each wants 6. Weighted max-min (weights 1 and 3):
            // light gets 2 (2/6 = 0.33 per unit of weight), heavy 6 (6/6 / 3 = 0.33), as SchedulingRoundTest works out
            client.resource(function(ns, "light", 6, 1, "[amd64]")).create();
            client.resource(function(ns, "heavy", 6, 3, "[amd64]")).create();

            await("the split").atMost(CONVERGE).until(() -> {
                Function light = get(ns, "light");
                Function heavy = get(ns, "heavy");
                return light.getStatus() != null && heavy.getStatus() != null && light.getStatus().replicas != null
                        && heavy.getStatus().replicas != null && light.getStatus().replicas.ready == 2 && heavy.getStatus().replicas.ready == 6
                        && Integer.valueOf(2).equals(light.getStatus().replicas.allocated)
                        && condition(light, "Ready").map(c -> "True".equals(c.getStatus())).orElse(false);
            });
            Function light = get(ns, "light");
            assertThat(light.getStatus().replicas.desired).isEqualTo(6);
            assertThat(light.getStatus().replicas.allocated).isEqualTo(2);
            Condition scheduled = condition(light, "Scheduled").orElseThrow();
            assertThat(scheduled.getStatus()).isEqualTo("False");
            assertThat(scheduled.getReason()).isEqualTo("Contention");
            assertThat(scheduled.getMessage()).contains("placed 2 of 6", "weighted fair share (weight 1)", ns + "/heavy 6 of 6 (weight 3)");
            // columns: NAME AGE READY ALLOCATED DESIRED SERVING URL
            assertThat(cluster.kubectl("-n", ns, "get", "fn", "light")).containsPattern("light\\s+\\S+\\s+True\\s+2\\s+6\\s+2\\s");
            await().atMost(CONVERGE).until(() -> client.v1().events().inNamespace(ns).list().getItems().stream()
                    .anyMatch(e -> "light".equals(e.getInvolvedObject().getName()) && "Contention".equals(e.getReason())));
            // each pod bound is told so, as kube-scheduler tells it (found by an outside probe: describe showed no Events)
            String boundPod = pods(ns, p -> p.getSpec().getNodeName() != null).get(0).getMetadata().getName();
            await().atMost(CONVERGE).until(() -> client.v1().events().inNamespace(ns).list().getItems().stream()
                    .anyMatch(e -> boundPod.equals(e.getInvolvedObject().getName()) && "Scheduled".equals(e.getReason())
                            && e.getMessage().startsWith("Successfully assigned " + ns + "/" + boundPod + " to ")));
            // the pods that could not fit were never created: nothing of light waits
            assertThat(pods(ns, p -> p.getSpec().getNodeName() == null)).isEmpty();
            assertThat(client.apps().deployments().inNamespace(ns).withName("light-amd64").get().getSpec().getReplicas()).isEqualTo(2);

            // an admin caps the namespace's weights: heavy's 3 counts as 1, and heavy gives light room (to 5 and 3:
            // placement takes no pod to even out shares within its fair-share gap, MuPlacement.FAIR_SHARE_GAP)
            cluster.kubectl("label", "namespace", ns, "placement.muserving.dev/max-weight=1");
            await("light gets more").atMost(CONVERGE).until(() -> get(ns, "light").getStatus().replicas.allocated >= 3
                    && get(ns, "heavy").getStatus().replicas.allocated <= 5);
            assertThat(condition(get(ns, "heavy"), "Scheduled").orElseThrow().getMessage()).contains("(weight 1, capped from 3");
            assertNoNodeOverbooked();
        } finally {
            deleteAndAwaitGone(ns);
        }
    }

    @Test
    void aControllerKilledMidBurstDoubleBooksNothing(Cluster cluster) {
        String ns = namespace("restart");
        OperatorProcess first = OperatorProcess.start(cluster, "sched-restart", Map.of()).awaitLeading();
        try {
            client.resource(function(ns, "burst", 14, 1, "[amd64, arm64]")).create();
            await("some pods bound").atMost(CONVERGE).until(() -> pods(ns, MuSchedulerIT::bound).size() >= 2);
            first.kill();
            try (OperatorProcess second = OperatorProcess.start(cluster, "sched-restart", Map.of()).awaitLeading()) {
                await("every pod bound").atMost(CONVERGE).until(() -> pods(ns, MuSchedulerIT::bound).size() == 14
                        && pods(ns, p -> p.getSpec().getNodeName() == null).isEmpty());
                assertNoNodeOverbooked();
                assertThat(second.log()).doesNotContain("placement round failed");
            }
        } finally {
            first.kill();
            deleteAndAwaitGone(ns);
        }
    }

    @Test
    void podsOfANodeDeletedUnderThemFindAnotherNode(Cluster cluster) {
        String ns = namespace("node");
        try (OperatorProcess operator = OperatorProcess.start(cluster, "sched-node", Map.of()).awaitLeading()) {
            client.resource(function(ns, "moving", 3, 1, "[arm64]")).create();
            await("ready").atMost(CONVERGE).until(() -> condition(get(ns, "moving"), "Ready").map(c -> "True".equals(c.getStatus())).orElse(false)
                    && get(ns, "moving").getStatus().replicas.ready == 3);
            String node = pods(ns, MuSchedulerIT::bound).get(0).getSpec().getNodeName();
            Node saved = client.nodes().withName(node).get();
            client.nodes().withName(node).delete();
            try {
                // the pod garbage collector removes pods of a node that is gone; their replacements go to the other arm64 node
                await("moved").atMost(Duration.ofSeconds(180)).until(() -> {
                    List<Pod> running = pods(ns, MuSchedulerIT::bound);
                    return running.size() == 3 && running.stream().noneMatch(p -> node.equals(p.getSpec().getNodeName()));
                });
                assertNoNodeOverbooked();
            } finally {
                client.resource(new NodeBuilder().withMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
                        .withName(saved.getMetadata().getName()).withLabels(saved.getMetadata().getLabels())
                        .withAnnotations(saved.getMetadata().getAnnotations()).build()).withStatus(saved.getStatus()).build()).create();
            }
        } finally {
            deleteAndAwaitGone(ns);
        }
    }

    @Test
    void aPodThatCanNeverFitIsToldWhyAndTheSchedulerGoesOn(Cluster cluster) {
        String ns = namespace("never");
        try (OperatorProcess operator = OperatorProcess.start(cluster, "sched-never", Map.of()).awaitLeading()) {
            client.pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata().withName("huge").endMetadata()
                    .withNewSpec().withSchedulerName("mu-placement").addNewContainer().withName("app").withImage("registry.example/huge:1")
                    .withNewResources().withRequests(Map.of("cpu", new Quantity("100"))).endResources().endContainer().endSpec()
                    .build()).create();
            await("told").atMost(CONVERGE).until(() -> {
                Pod pod = client.pods().inNamespace(ns).withName("huge").get();
                return pod.getStatus() != null && pod.getStatus().getConditions() != null && pod.getStatus().getConditions().stream()
                        .anyMatch(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus()));
            });
            PodCondition why = client.pods().inNamespace(ns).withName("huge").get().getStatus().getConditions().stream()
                    .filter(c -> "PodScheduled".equals(c.getType())).findFirst().orElseThrow();
            assertThat(why.getReason()).isEqualTo("Unschedulable");
            assertThat(why.getMessage()).startsWith("0/4 nodes are available: 4 Insufficient cpu");
            await().atMost(CONVERGE).until(() -> client.v1().events().inNamespace(ns).list().getItems().stream()
                    .anyMatch(e -> "huge".equals(e.getInvolvedObject().getName()) && "FailedScheduling".equals(e.getReason())
                            && "mu-placement".equals(e.getReportingComponent())));

            client.resource(function(ns, "after", 2, 1, "[amd64, arm64]")).create();
            await("the next Function is placed").atMost(CONVERGE).until(() -> condition(get(ns, "after"), "Ready")
                    .map(c -> "True".equals(c.getStatus())).orElse(false));
            assertThat(client.pods().inNamespace(ns).withName("huge").get().getSpec().getNodeName()).isNull();
        } finally {
            deleteAndAwaitGone(ns);
        }
    }

    /**
     * Found by an outside probe: the ReplicaSet of a function that gave pods for another removed pods
     * of its own choosing, so the room promised was never freed, and the Deployment of the function it
     * was freed for went 0 → 6 → 0 every ten seconds while it got no pod. The stopped pods now carry
     * the lowest pod-deletion-cost, and the promised pods count in their function's allocation.
     */
    @Test
    void thePodsAPreemptionStopsAreTheOnesTheirReplicaSetRemoves(Cluster cluster) {
        String ns = namespace("preempt");
        Map<String, String> deletedWithCost = new java.util.concurrent.ConcurrentHashMap<>();
        try (OperatorProcess operator = OperatorProcess.start(cluster, "sched-preempt", Map.of()).awaitLeading()) {
            client.resource(function(ns, "holder", 8, 1, "[amd64]")).create(); // the two amd64 nodes' 8 CPUs
            await("the holder fills amd64").atMost(CONVERGE).until(() -> pods(ns, MuSchedulerIT::bound).size() == 8);
            try (io.fabric8.kubernetes.client.Watch watch = client.pods().inNamespace(ns).watch(new io.fabric8.kubernetes.client.Watcher<>() {
                @Override
                public void eventReceived(Action action, Pod pod) {
                    if (action == Action.DELETED) {
                        Map<String, String> annotations = pod.getMetadata().getAnnotations();
                        deletedWithCost.put(pod.getMetadata().getName(),
                                annotations == null ? "none" : annotations.getOrDefault("controller.kubernetes.io/pod-deletion-cost", "none"));
                    }
                }

                @Override
                public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {
                }
            })) {
                // weight 3: the holder, 6 of 8 after giving two, stays ahead of it by the fair share's gap (MuPlacement)
                client.resource(function(ns, "newcomer", 2, 3, "[amd64]")).create();
                try {
                    await("the newcomer's pods run on the room freed for them").atMost(CONVERGE).until(() -> pods(ns,
                            p -> bound(p) && p.getMetadata().getName().startsWith("newcomer-")).size() == 2);
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    String log = operator.log();
                    throw new AssertionError("newcomer: " + client.getKubernetesSerialization().asJson(get(ns, "newcomer").getStatus())
                            + "\npods: " + pods(ns, p -> true).stream().map(p -> p.getMetadata().getName() + "@" + p.getSpec().getNodeName()
                            + (p.getMetadata().getDeletionTimestamp() != null ? "(deleting)" : "")).toList()
                            + "\ndeleted: " + deletedWithCost + "\nlog: " + log.substring(Math.max(0, log.length() - 4000)), e);
                }
                assertThat(deletedWithCost).as("the pods removed: the two placement stopped, none of the newcomer's pending ones")
                        .hasSize(2).allSatisfy((pod, cost) -> {
                            assertThat(pod).startsWith("holder-");
                            assertThat(cost).as(pod).isEqualTo(Integer.toString(Integer.MIN_VALUE));
                        });
            }
            assertNoNodeOverbooked();
        } finally {
            deleteAndAwaitGone(ns);
        }
    }

    /**
     * A new leader's reconciler runs before its scheduler's first round: it must not size the
     * Deployments by an even split of what the Function wants, which moved running pods between
     * architectures at every takeover; until placement has run it keeps the split the status says.
     */
    @Test
    void aNewLeaderKeepsThePodsThatRunWhereTheyRun(Cluster cluster) {
        String ns = namespace("takeover");
        OperatorProcess first = OperatorProcess.start(cluster, "sched-takeover", Map.of()).awaitLeading();
        try {
            client.resource(function(ns, "steady", 3, 1, "[amd64, arm64]")).create();
            await("ready").atMost(CONVERGE).until(() -> {
                Function fn = get(ns, "steady");
                return fn != null && fn.getStatus() != null && fn.getStatus().replicas != null && fn.getStatus().replicas.ready == 3
                        && pods(ns, p -> true).size() == 3;
            });
            List<String> running = pods(ns, p -> true).stream().map(p -> p.getMetadata().getName()).sorted().toList();
            first.kill();
            try (OperatorProcess second = OperatorProcess.start(cluster, "sched-takeover", Map.of()).awaitLeading()) {
                // its reconciler and its scheduler's first rounds run within a few seconds of leading (the churn came in 2)
                await("the same pods, none replaced, while the new leader settles").during(Duration.ofSeconds(8))
                        .atMost(Duration.ofSeconds(20))
                        .until(() -> pods(ns, p -> true).stream().map(p -> p.getMetadata().getName()).sorted().toList().equals(running));
            }
        } finally {
            first.kill();
            deleteAndAwaitGone(ns);
        }
    }
}
