package dev.muserving.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.muserving.api.testing.KubernetesControlPlane;
import dev.muserving.api.testing.KubernetesControlPlane.Cluster;
import dev.muserving.api.testing.KubernetesControlPlane.Outcome;
import dev.muserving.api.v1alpha1.Function;
import dev.muserving.operator.autoscaling.FunctionAutoscaler;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged operator, run as a process against a real kube-apiserver, kube-controller-manager
 * (deployments, garbage collector) over KWOK nodes; the operator's own scheduler, mu-placement, binds the pods.
 */
@ExtendWith(KubernetesControlPlane.class)
class FunctionOperatorIT {

    private static final Duration CONVERGE = Duration.ofSeconds(90);
    private static KubernetesClient client;

    @TempDir
    Path dir;

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
        String ns = "mu-op-" + purpose + "-" + Long.toString(System.nanoTime(), 36);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
        return ns;
    }

    private static void dropNamespace(String ns) {
        client.namespaces().withName(ns).delete();
    }

    private Path yaml(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name + ".yaml"), text);
    }

    private static String functionYaml(String ns, String name, String spec) {
        return "apiVersion: muserving.dev/v1alpha1\nkind: Function\nmetadata: {name: " + name + ", namespace: " + ns + "}\nspec:\n" + spec;
    }

    private static final String TWO_IMAGES = """
              images: {amd64: registry.example/resize:1-amd64, arm64: registry.example/resize:1-arm64}
              resources: {cpu: 100m, memory: 64Mi}
            """;

    private static Function function(String ns, String name) {
        return client.resources(Function.class).inNamespace(ns).withName(name).get();
    }

    private static Condition condition(Function fn, String type) {
        if (fn == null || fn.getStatus() == null || fn.getStatus().conditions == null) {
            return null;
        }
        return fn.getStatus().conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    }

    /** Ready, and for the generation it has now. */
    private static boolean readyAtItsGeneration(Function fn) {
        Condition ready = condition(fn, "Ready");
        return ready != null && "True".equals(ready.getStatus())
                && fn.getMetadata().getGeneration().equals(fn.getStatus().observedGeneration);
    }

    private static Function awaitFunction(String ns, String name, Predicate<Function> until) {
        await(ns + "/" + name).atMost(CONVERGE).until(() -> until.test(function(ns, name)));
        return function(ns, name);
    }

    private static Map<String, Deployment> deployments(String ns) {
        return client.apps().deployments().inNamespace(ns).list().getItems().stream()
                .collect(Collectors.toMap(d -> d.getMetadata().getName(), d -> d));
    }

    private static List<Event> events(String ns, String function) {
        return client.v1().events().inNamespace(ns).list().getItems().stream()
                .filter(e -> function.equals(e.getInvolvedObject().getName()) && "Function".equals(e.getInvolvedObject().getKind()))
                .toList();
    }

    private static String image(Deployment d) {
        return d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    }

    @Test
    void aFunctionBecomesReadyRollsOnUpdateScalesAndTakesItsChildrenWhenDeleted(Cluster cluster) throws IOException {
        String ns = namespace("life");
        try (OperatorProcess operator = OperatorProcess.start(cluster, "op-life", Map.of()).awaitLeading()) {
            cluster.kubectl("apply", "-f", yaml("resize", functionYaml(ns, "resize", TWO_IMAGES + "  scale: {initial: 3}\n")).toString());

            Function fn = awaitFunction(ns, "resize", FunctionOperatorIT::readyAtItsGeneration);
            assertThat(fn.getStatus().replicas.desired).isEqualTo(3);
            assertThat(fn.getStatus().replicas.ready).isEqualTo(3);
            assertThat(fn.getStatus().replicas.allocated).isEqualTo(3);
            assertThat(fn.getStatus().url).isEqualTo("http://resize." + ns + ".example.com");
            assertThat(condition(fn, "Scheduled").getStatus()).isEqualTo("True");
            Map<String, Deployment> children = deployments(ns);
            assertThat(children).containsOnlyKeys("resize-amd64", "resize-arm64");
            // mu-placement decides the split (with no measured service rates, packed where it fits best)
            assertThat(children.get("resize-amd64").getSpec().getReplicas() + children.get("resize-arm64").getSpec().getReplicas()).isEqualTo(3);
            for (String arch : List.of("amd64", "arm64")) {
                assertThat(fn.getStatus().byArchitecture.get(arch).ready).isEqualTo(children.get("resize-" + arch).getSpec().getReplicas());
                assertThat(client.pods().inNamespace(ns).withLabel("muserving.dev/arch", arch).list().getItems())
                        .allSatisfy(p -> assertThat(client.nodes().withName(p.getSpec().getNodeName()).get().getMetadata().getLabels())
                                .containsEntry("kubernetes.io/arch", arch));
            }
            assertThat(image(children.get("resize-arm64"))).isEqualTo("registry.example/resize:1-arm64");
            assertThat(children.get("resize-amd64").getSpec().getTemplate().getSpec().getSchedulerName()).isEqualTo("mu-placement");
            assertThat(client.services().inNamespace(ns).withName("resize").get()).isNotNull();
            assertThat(cluster.kubectl("-n", ns, "get", "fn", "resize")).contains("True").contains("http://resize." + ns + ".example.com");
            await().atMost(CONVERGE).until(() -> events(ns, "resize").stream().map(Event::getReason).collect(Collectors.toSet())
                    .containsAll(Set.of("Created", "Ready")));

            // settled: once the autoscaler has made its first decision (pods can be ready before its
            // first tick, and the decision's reason is shown), nothing changes, so nothing is written
            String settled = awaitFunction(ns, "resize", f -> !f.getStatus().lastScaleReason.contains(FunctionAutoscaler.UNDECIDED))
                    .getMetadata().getResourceVersion();
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                    .until(() -> function(ns, "resize").getMetadata().getResourceVersion().equals(settled));

            // arm64 only, in pods larger than any node: amd64's Deployment serves on as it was, since
            // nothing can take over (Knative routes to the last ready revision the same way)
            cluster.kubectl("-n", ns, "patch", "fn", "resize", "--type=merge", "-p",
                    "{\"spec\":{\"architectures\":[\"arm64\"],\"resources\":{\"cpu\":\"8\"}}}");
            fn = awaitFunction(ns, "resize", f -> f.getStatus().observedGeneration == 2
                    && "RemovingArchitecture".equals(condition(f, "Ready").getReason()));
            assertThat(condition(fn, "Ready").getMessage()).startsWith("Deployment resize-amd64 serves until arm64 has ready pods to take over");
            String amd64Version = deployments(ns).get("resize-amd64").getMetadata().getResourceVersion();
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> {
                Deployment amd = deployments(ns).get("resize-amd64");
                return amd != null && amd.getMetadata().getResourceVersion().equals(amd64Version)
                        && Integer.valueOf(3).equals(amd.getStatus().getReadyReplicas());
            });

            // pods that fit, with a new image: arm64's pods take over, then amd64's Deployment goes
            cluster.kubectl("-n", ns, "patch", "fn", "resize", "--type=merge", "-p",
                    "{\"spec\":{\"resources\":{\"cpu\":\"100m\"},\"images\":{\"arm64\":\"registry.example/resize:2-arm64\"}}}");
            fn = awaitFunction(ns, "resize", f -> readyAtItsGeneration(f) && f.getStatus().observedGeneration == 3
                    && !deployments(ns).containsKey("resize-amd64"));
            Deployment arm = deployments(ns).get("resize-arm64");
            assertThat(image(arm)).isEqualTo("registry.example/resize:2-arm64");
            assertThat(arm.getSpec().getReplicas()).isEqualTo(3);
            assertThat(fn.getStatus().byArchitecture).containsOnlyKeys("arm64");
            await().atMost(CONVERGE).until(() -> client.pods().inNamespace(ns).list().getItems().stream()
                    .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                    .map(p -> p.getSpec().getContainers().get(0).getImage()).toList()
                    .equals(List.of("registry.example/resize:2-arm64", "registry.example/resize:2-arm64", "registry.example/resize:2-arm64")));
            assertThat(events(ns, "resize")).extracting(Event::getMessage)
                    .contains("Deleted Deployment/resize-amd64: its architecture is no longer allowed", "Rolling out generation 3");

            // a change of the pod template alone rolls: the Deployment's surge pod is placed beside the
            // pods it replaces (mu-placement holding the function to its allocation would keep them for good)
            cluster.kubectl("-n", ns, "patch", "fn", "resize", "--type=merge", "-p", "{\"spec\":{\"env\":[{\"name\":\"MODE\",\"value\":\"fast\"}]}}");
            awaitFunction(ns, "resize", f -> readyAtItsGeneration(f) && f.getStatus().observedGeneration == 4);
            await("rolled").atMost(CONVERGE).until(() -> {
                List<Pod> pods = client.pods().inNamespace(ns).list().getItems().stream()
                        .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
                return pods.size() == 3 && pods.stream().allMatch(p -> p.getSpec().getNodeName() != null
                        && p.getSpec().getContainers().get(0).getEnv().stream().anyMatch(e -> "MODE".equals(e.getName())));
            });

            // the scale subresource sets the minimum
            cluster.kubectl("-n", ns, "scale", "fn", "resize", "--replicas=5");
            // the autoscaler takes the new minimum at its next tick (placement already keeps it)
            fn = awaitFunction(ns, "resize", f -> readyAtItsGeneration(f) && f.getStatus().replicas.ready == 5
                    && f.getStatus().lastScaleReason.contains("min 5"));
            assertThat(fn.getSpec().scale.min).isEqualTo(5);

            cluster.kubectl("-n", ns, "delete", "fn", "resize", "--wait=true");
            await("garbage collection").atMost(CONVERGE).until(() ->
                    cluster.kubectl("-n", ns, "get", "deployments,replicasets,services,pods", "-o", "name").isBlank());
            assertThat(operator.isAlive()).isTrue();
        } finally {
            dropNamespace(ns);
        }
    }

    @Test
    void invalidFunctionsAreRefusedAndTheOperatorCreatesNothingForThem(Cluster cluster) throws IOException {
        String ns = namespace("invalid");
        try (OperatorProcess operator = OperatorProcess.start(cluster, "op-invalid", Map.of()).awaitLeading()) {
            record Invalid(String name, String spec, String field) {}
            List<Invalid> invalids = List.of(
                    new Invalid("no-image", "  resources: {cpu: 100m, memory: 64Mi}\n", "spec.image"),
                    new Invalid("arch-without-image", "  images: {amd64: r.example/e:1}\n  resources: {cpu: 100m, memory: 64Mi}\n", "spec.images"),
                    new Invalid("min-above-max", "  image: r.example/e:1\n  resources: {cpu: 100m, memory: 64Mi}\n  scale: {min: 4, max: 2, initial: 2}\n",
                            "spec.scale.min"),
                    new Invalid("bad-memory", "  image: r.example/e:1\n  resources: {cpu: 100m, memory: lots}\n", "spec.resources.memory"));
            for (Invalid invalid : invalids) {
                Outcome outcome = cluster.tryKubectl("apply", "-f", yaml(invalid.name(), functionYaml(ns, invalid.name(), invalid.spec())).toString());
                assertThat(outcome.exitCode()).as(invalid.name()).isNotZero();
                assertThat(outcome.output()).as(invalid.name()).contains(invalid.field());
            }
            // a valid one afterwards is served, so the operator was watching all along
            cluster.kubectl("apply", "-f", yaml("ok", functionYaml(ns, "ok", "  image: r.example/e:1\n  resources: {cpu: 100m, memory: 64Mi}\n")).toString());
            awaitFunction(ns, "ok", FunctionOperatorIT::readyAtItsGeneration);
            assertThat(client.resources(Function.class).inNamespace(ns).list().getItems()).extracting(f -> f.getMetadata().getName())
                    .containsExactly("ok");
            assertThat(deployments(ns)).containsOnlyKeys("ok-amd64", "ok-arm64");
            assertThat(client.services().inNamespace(ns).list().getItems()).extracting(s -> s.getMetadata().getName()).containsExactly("ok");
            assertThat(operator.log()).doesNotContain("ERROR");
        } finally {
            dropNamespace(ns);
        }
    }

    @Test
    void aFunctionTheOperatorCannotActOnSaysWhyInItsStatusAndAnEventAndTheOperatorGoesOn(Cluster cluster) throws IOException {
        String ns = namespace("cannot");
        String quotaNs = namespace("quota");
        // spent quickly: two attempts half a second apart
        Map<String, String> retries = Map.of("quarkus.operator-sdk.controllers.function.retry.max-attempts", "2",
                "quarkus.operator-sdk.controllers.function.retry.interval.initial", "500");
        try (OperatorProcess operator = OperatorProcess.start(cluster, "op-cannot", retries).awaitLeading()) {
            // stored while an older CRD did not require spec; the CRD is put back at once
            Path specless = yaml("specless", "apiVersion: muserving.dev/v1alpha1\nkind: Function\nmetadata: {name: specless, namespace: " + ns + "}\n");
            cluster.kubectl("patch", "crd", "functions.muserving.dev", "--type=json",
                    "-p", "[{\"op\":\"remove\",\"path\":\"/spec/versions/0/schema/openAPIV3Schema/required\"}]");
            try {
                await("a Function without spec is stored").atMost(CONVERGE)
                        .until(() -> cluster.tryKubectl("apply", "-f", specless.toString()).exitCode() == 0);
            } finally {
                installTheCrd(cluster);
            }
            Function invalid = awaitFunction(ns, "specless", fn -> condition(fn, "Ready") != null);
            Condition ready = condition(invalid, "Ready");
            assertThat(ready.getStatus()).isEqualTo("False");
            assertThat(ready.getReason()).isEqualTo("InvalidSpec");
            assertThat(ready.getMessage()).startsWith("spec: missing");
            assertThat(invalid.getStatus().observedGeneration).isEqualTo(invalid.getMetadata().getGeneration());
            await().atMost(CONVERGE).until(() -> events(ns, "specless").stream()
                    .anyMatch(e -> "Warning".equals(e.getType()) && "InvalidSpec".equals(e.getReason()) && e.getMessage().startsWith("spec: missing")));
            assertThat(deployments(ns)).isEmpty();

            // mended, it is served
            cluster.kubectl("-n", ns, "patch", "fn", "specless", "--type=merge", "-p", "{\"spec\":{\"image\":\"r.example/e:1\"}}");
            awaitFunction(ns, "specless", FunctionOperatorIT::readyAtItsGeneration);
            assertThat(deployments(ns)).containsOnlyKeys("specless-amd64", "specless-arm64");

            // valid, but the API server refuses its Deployments: once the retries are spent, the status says why
            cluster.kubectl("-n", quotaNs, "create", "quota", "no-deployments", "--hard=count/deployments.apps=0");
            cluster.kubectl("apply", "-f", yaml("quota", functionYaml(quotaNs, "refused", TWO_IMAGES)).toString());
            Function refused = awaitFunction(quotaNs, "refused",
                    fn -> condition(fn, "Ready") != null && "ReconcileFailed".equals(condition(fn, "Ready").getReason()));
            assertThat(condition(refused, "Ready").getStatus()).isEqualTo("False");
            assertThat(condition(refused, "Ready").getMessage()).contains("exceeded quota");
            await().atMost(CONVERGE).until(() -> events(quotaNs, "refused").stream()
                    .anyMatch(e -> "Warning".equals(e.getType()) && "ReconcileFailed".equals(e.getReason())));

            // a name already taken by a Service the Function does not own: said at once, and the Service is left alone
            cluster.kubectl("-n", ns, "create", "service", "clusterip", "clash", "--tcp=80:8080");
            cluster.kubectl("apply", "-f", yaml("clash", functionYaml(ns, "clash", TWO_IMAGES)).toString());
            Function clash = awaitFunction(ns, "clash", fn -> condition(fn, "Ready") != null && "NotOwned".equals(condition(fn, "Ready").getReason()));
            assertThat(condition(clash, "Ready").getMessage()).startsWith("Service " + ns + "/clash exists and is not this Function's");
            assertThat(client.services().inNamespace(ns).withName("clash").get().getMetadata().getOwnerReferences()).isNullOrEmpty();
            // once the name is free, it is served without a change to the Function
            cluster.kubectl("-n", ns, "delete", "service", "clash");
            awaitFunction(ns, "clash", FunctionOperatorIT::readyAtItsGeneration);

            // an unknown policy, which the API server stores: told, and the rest acted on (until 2026-12-06 nothing was made)
            cluster.kubectl("apply", "-f", yaml("typo", "apiVersion: muserving.dev/v1alpha1\nkind: Function\nmetadata: {name: typo, namespace: "
                    + ns + ", annotations: {autoscaling.muserving.dev/class: fastest}}\nspec:\n" + TWO_IMAGES + "  scale: {initial: 2}\n").toString());
            Function typo = awaitFunction(ns, "typo", fn -> condition(fn, "Ready") != null && fn.getStatus().replicas != null);
            assertThat(condition(typo, "Ready").getReason()).isEqualTo("InvalidSpec");
            assertThat(condition(typo, "Ready").getMessage()).startsWith("metadata.annotations[autoscaling.muserving.dev/class]: unknown policy 'fastest'")
                    .contains("the rest of the spec is acted on");
            assertThat(typo.getStatus().replicas.desired).isEqualTo(2);
            await("its children").atMost(CONVERGE).until(() -> deployments(ns).keySet().containsAll(List.of("typo-amd64", "typo-arm64"))
                    && client.services().inNamespace(ns).withName("typo").get() != null);
            await().atMost(CONVERGE).until(() -> events(ns, "typo").stream()
                    .anyMatch(e -> "Warning".equals(e.getType()) && "InvalidSpec".equals(e.getReason())));
            await("the autoscaler's word, at its next tick").atMost(CONVERGE).until(() -> operator.log()
                    .contains(ns + "/typo: autoscaled by mu, SLO p99 1000 ms, min 0, max unlimited; its annotation names 'fastest', which is no policy"));
            cluster.kubectl("-n", ns, "annotate", "--overwrite", "fn", "typo", "autoscaling.muserving.dev/class=knative");
            await("mended").atMost(CONVERGE).until(() -> !"InvalidSpec".equals(condition(function(ns, "typo"), "Ready").getReason()));

            // and the operator goes on serving others
            createFunction(ns, "after", 1);
            awaitFunction(ns, "after", FunctionOperatorIT::readyAtItsGeneration);
        } finally {
            dropNamespace(ns);
            dropNamespace(quotaNs);
        }
    }

    @Test
    void anOperatorKilledMidReconcileConvergesAfterARestartWithoutDuplicatesOrOrphans(Cluster cluster) {
        String ns = namespace("crash");
        int functions = 40;
        try {
            try (OperatorProcess first = OperatorProcess.start(cluster, "op-crash", Map.of()).awaitLeading()) {
                IntStream.range(0, functions).forEach(i -> createFunction(ns, "f" + i, 1 + i % 3));
                await("first children").atMost(CONVERGE).until(() -> !deployments(ns).isEmpty());
                first.kill();
            }
            long readyAtKill = client.resources(Function.class).inNamespace(ns).list().getItems().stream()
                    .filter(FunctionOperatorIT::readyAtItsGeneration).count();
            assertThat(readyAtKill).as("killed before it finished").isLessThan(functions);

            try (OperatorProcess second = OperatorProcess.start(cluster, "op-crash", Map.of()).awaitLeading()) {
                await("all ready").atMost(Duration.ofMinutes(3)).until(() -> client.resources(Function.class).inNamespace(ns).list()
                        .getItems().stream().filter(FunctionOperatorIT::readyAtItsGeneration).count() == functions);

                Map<String, String> uids = client.resources(Function.class).inNamespace(ns).list().getItems().stream()
                        .collect(Collectors.toMap(f -> f.getMetadata().getName(), f -> f.getMetadata().getUid()));
                Map<String, Deployment> children = deployments(ns);
                assertThat(children).hasSize(2 * functions);
                children.values().forEach(d -> assertOwnedByItsFunction(d, uids));
                client.services().inNamespace(ns).list().getItems().forEach(s -> assertOwnedByItsFunction(s, uids));
                assertThat(client.services().inNamespace(ns).list().getItems()).hasSize(functions);
                // one ReplicaSet per Deployment: no half-written template was rolled out twice
                assertThat(client.apps().replicaSets().inNamespace(ns).list().getItems()).hasSize(2 * functions);
                int wanted = IntStream.range(0, functions).map(i -> 1 + i % 3).sum();
                await().atMost(CONVERGE).until(() -> client.pods().inNamespace(ns).list().getItems().stream()
                        .filter(p -> p.getMetadata().getDeletionTimestamp() == null).count() == wanted);
            }
        } finally {
            dropNamespace(ns);
        }
    }

    /** Found by an outside probe: a namespace of 30 Functions going away gave 45 warnings with stack traces. */
    @Test
    void aNamespaceGoingAwayWithItsFunctionsLeavesNoWarningsInTheLog(Cluster cluster) {
        // the other tests' namespaces, dropped without waiting, go away first: this log is about this one's
        await("earlier tests' namespaces gone").atMost(Duration.ofMinutes(2)).until(() -> client.namespaces().list().getItems().stream()
                .noneMatch(n -> n.getMetadata().getName().startsWith("mu-op-")));
        String ns = namespace("gone");
        int functions = 6;
        try (OperatorProcess operator = OperatorProcess.start(cluster, "op-gone", Map.of()).awaitLeading()) {
            IntStream.range(0, functions).forEach(i -> createFunction(ns, "f" + i, 1));
            await("all ready").atMost(CONVERGE).until(() -> client.resources(Function.class).inNamespace(ns).list()
                    .getItems().stream().filter(FunctionOperatorIT::readyAtItsGeneration).count() == functions);

            dropNamespace(ns);
            await("the namespace gone").atMost(Duration.ofMinutes(2)).until(() -> client.namespaces().withName(ns).get() == null);

            assertThat(operator.log().lines().filter(line -> line.contains(" WARN ") || line.contains(" ERROR ")
                    || line.startsWith("\tat ")).toList()).as("warnings, errors and stack traces in the operator's log").isEmpty();
        }
    }

    @Test
    void ofTwoOperatorsOnlyTheLeaderWritesAndTheOtherTakesOverWhenItDies(Cluster cluster) {
        String ns = namespace("leader");
        try (OperatorProcess a = OperatorProcess.start(cluster, "op-a", Map.of()).awaitLeading();
                OperatorProcess b = OperatorProcess.start(cluster, "op-b", Map.of())) {
            await("op-b sees op-a lead").atMost(CONVERGE).until(() -> b.log().contains("New leader with identity: op-a"));
            createFunction(ns, "first", 2);
            awaitFunction(ns, "first", FunctionOperatorIT::readyAtItsGeneration);
            assertThat(events(ns, "first")).isNotEmpty().allSatisfy(e -> assertThat(e.getReportingInstance()).isEqualTo("op-a"));
            assertThat(b.log()).doesNotContain("Started event processing");
            assertThat(leaseHolder()).isEqualTo("op-a");

            a.kill();
            b.awaitLeading();
            assertThat(leaseHolder()).isEqualTo("op-b");
            createFunction(ns, "second", 1);
            awaitFunction(ns, "second", FunctionOperatorIT::readyAtItsGeneration);
            assertThat(events(ns, "second")).isNotEmpty().allSatisfy(e -> assertThat(e.getReportingInstance()).isEqualTo("op-b"));
            assertThat(deployments(ns)).containsOnlyKeys("first-amd64", "first-arm64", "second-amd64", "second-arm64");
        } finally {
            dropNamespace(ns);
        }
    }

    /** Found by an outside probe: a controller rollout left no leader for the lease's duration (scale from zero took 22 s). */
    @Test
    void aLeaderStoppedOnPurposeHandsItsLeaseOverAtOnce(Cluster cluster) {
        Map<String, String> longLease = Map.of("mu.operator.leader-election.lease-duration", "60s",
                "mu.operator.leader-election.renew-deadline", "40s", "mu.operator.leader-election.retry-period", "1s");
        try (OperatorProcess a = OperatorProcess.start(cluster, "op-stop-a", longLease).awaitLeading();
                OperatorProcess b = OperatorProcess.start(cluster, "op-stop-b", longLease)) {
            await("op-stop-b sees op-stop-a lead").atMost(CONVERGE).until(() -> b.log().contains("New leader with identity: op-stop-a"));

            a.close(); // SIGTERM, as a rollout stops a pod
            await("op-stop-b leads long before the 60-s lease would run out").atMost(Duration.ofSeconds(20))
                    .until(() -> "op-stop-b".equals(leaseHolder()));
            b.awaitLeading();
            assertThat(a.log()).contains("op-stop-a: handed the leader lease");
        }
    }

    /** Found by an outside probe: the refusal was one line inside Quarkus' 65-line stack trace. */
    @Test
    void aSettingThatCannotRunStopsTheOperatorWithOneLineNamingIt(Cluster cluster) {
        try (OperatorProcess operator = OperatorProcess.start(cluster, "op-bad-setting", Map.of("mu.operator.placement", "fastest"))) {
            await("the operator stops").atMost(CONVERGE).until(() -> !operator.isAlive());
            assertThat(operator.log()).contains("mu.operator.placement must be one of [mu, knative], got 'fastest'")
                    .doesNotContain("\tat ").doesNotContain("Exception");
        }
    }

    @Test
    void theShippedRbacIsEnoughToServeAFunction(Cluster cluster) throws IOException {
        Path rbac = KubernetesControlPlane.repositoryRoot().resolve("deploy/operator/rbac.yaml");
        cluster.kubectl("apply", "-f", rbac.toString()); // creates its namespace too
        Path kubeconfig = cluster.kubeconfigOf("mu-system", "mu-operator", dir);
        String ns = namespace("rbac");
        // the pod it runs in, as the downward API names it: the leader labels it for the metric stream's Service
        client.pods().inNamespace("mu-system").resource(new PodBuilder().withNewMetadata().withName("op-rbac").endMetadata()
                .withNewSpec().withSchedulerName("nobody").addNewContainer().withName("c").withImage("registry.example/op:1").endContainer()
                .endSpec().build()).create();
        try (OperatorProcess operator = OperatorProcess.start(kubeconfig, "op-rbac", Map.of(),
                Map.of("POD_NAME", "op-rbac", "POD_NAMESPACE", "mu-system")).awaitLeading()) {
            await("the leader's label").atMost(CONVERGE).until(() -> "true".equals(client.pods().inNamespace("mu-system").withName("op-rbac")
                    .get().getMetadata().getLabels().get("muserving.dev/leader")));
            createFunction(ns, "guarded", 2);
            awaitFunction(ns, "guarded", FunctionOperatorIT::readyAtItsGeneration);
            assertThat(deployments(ns)).containsOnlyKeys("guarded-amd64", "guarded-arm64");
            await().atMost(CONVERGE).until(() -> events(ns, "guarded").stream().anyMatch(e -> "Ready".equals(e.getReason())));
            assertThat(client.leases().inNamespace("mu-system").withName("mu-operator").get().getSpec().getHolderIdentity())
                    .isEqualTo("op-rbac");
            // RBAC's refusal ("is forbidden: User ... cannot"), not a namespace another test is deleting
            assertThat(operator.log()).doesNotContain("is forbidden: User");
            // and no more: the service account may not touch what the operator never needs
            assertThat(cluster.tryKubectl("auth", "can-i", "delete", "functions", "--as=system:serviceaccount:mu-system:mu-operator")
                    .output()).startsWith("no");
            assertThat(cluster.tryKubectl("auth", "can-i", "create", "pods", "--as=system:serviceaccount:mu-system:mu-operator")
                    .output()).startsWith("no");
            assertThat(cluster.tryKubectl("auth", "can-i", "get", "secrets", "--as=system:serviceaccount:mu-system:mu-operator")
                    .output()).startsWith("no");
            // pods anywhere are patched (the scheduler's deletion cost on the pods it stops), never deleted: their ReplicaSets do that
            assertThat(cluster.tryKubectl("auth", "can-i", "delete", "pods", "-n", ns, "--as=system:serviceaccount:mu-system:mu-operator")
                    .output()).startsWith("no");
        } finally {
            client.pods().inNamespace("mu-system").withName("op-rbac").delete();
            dropNamespace(ns);
        }
    }

    private static String leaseHolder() {
        return client.leases().inNamespace("default").withName("mu-operator").get().getSpec().getHolderIdentity();
    }

    private static void createFunction(String ns, String name, int initial) {
        Function fn = client.getKubernetesSerialization().unmarshal(functionYaml(ns, name, TWO_IMAGES + "  scale: {initial: " + initial + "}\n"),
                Function.class);
        client.resource(fn).create();
    }

    private static void assertOwnedByItsFunction(HasMetadata child, Map<String, String> functionUids) {
        String function = child.getMetadata().getLabels().get("muserving.dev/function");
        List<OwnerReference> owners = child.getMetadata().getOwnerReferences();
        assertThat(owners).as(child.getMetadata().getName()).hasSize(1);
        assertThat(owners.get(0).getUid()).as(child.getMetadata().getName()).isEqualTo(functionUids.get(function));
        assertThat(owners.get(0).getController()).isTrue();
    }
}
