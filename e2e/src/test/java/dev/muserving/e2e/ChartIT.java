package dev.muserving.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muserving.api.testing.KubernetesControlPlane;
import dev.muserving.api.testing.KubernetesControlPlane.Outcome;
import dev.muserving.api.v1alpha1.FunctionNames;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chart as helm sees it, without a cluster: lint, what it renders (least privilege as
 * deploy/*&#47;rbac.yaml grants it, non-root pods, the apps' settings), and values it refuses.
 */
class ChartIT {

    private static final KubernetesSerialization YAML = new KubernetesSerialization();
    private static final Path ROOT = KubernetesControlPlane.repositoryRoot();
    /** helm template assumes Kubernetes 1.20 without it, which the chart refuses (it needs policy/v1 and 1.27). */
    private static final String KUBE_VERSION = "v1.34.4";
    private static Helm helm;

    @BeforeAll
    static void findHelm() {
        Optional<Helm> found = Helm.find();
        Assumptions.assumeTrue(found.isPresent(), "no helm: deploy/testenv/testenv.sh build makes it (or set MU_HELM)");
        helm = found.get();
    }

    private static List<GenericKubernetesResource> render(String... sets) {
        return render(List.of(), sets);
    }

    private static List<GenericKubernetesResource> render(List<String> flags, String... sets) {
        List<String> args = new ArrayList<>(List.of("template", "mu", Helm.CHART.toString(), "--namespace", "mu-system",
                "--kube-version", KUBE_VERSION));
        args.addAll(flags);
        for (String set : sets) {
            args.addAll(List.of("--set", set));
        }
        String out = helm.ok(args.toArray(String[]::new));
        return Arrays.stream(out.split("(?m)^---\\s*$")).map(String::strip).filter(doc -> doc.contains("kind:"))
                .map(doc -> YAML.unmarshal(doc, GenericKubernetesResource.class)).toList();
    }

    private static <T> T one(List<GenericKubernetesResource> docs, String kind, String name, Class<T> type) {
        GenericKubernetesResource found = docs.stream().filter(d -> kind.equals(d.getKind()) && name.equals(d.getMetadata().getName()))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name + " rendered"));
        return YAML.convertValue(found, type);
    }

    private static List<GenericKubernetesResource> fromFile(Path file) throws IOException {
        return Arrays.stream(Files.readString(file).split("(?m)^---\\s*$")).filter(doc -> doc.contains("kind:"))
                .map(doc -> YAML.unmarshal(doc, GenericKubernetesResource.class)).toList();
    }

    /** Who the NetworkPolicy lets reach {@code port}, one line per peer. */
    private static List<String> peers(List<GenericKubernetesResource> docs, String policy, String port) {
        return one(docs, "NetworkPolicy", policy, NetworkPolicy.class).getSpec().getIngress().stream()
                .filter(rule -> rule.getPorts().stream().anyMatch(p -> port.equals(p.getPort().getStrVal())))
                .flatMap(rule -> rule.getFrom().stream())
                .map(peer -> peer.getNamespaceSelector() != null ? "namespaces " + labels(peer.getNamespaceSelector().getMatchLabels())
                        : "pods " + labels(peer.getPodSelector().getMatchLabels()))
                .toList();
    }

    private static String labels(Map<String, String> labels) {
        return labels == null || labels.isEmpty() ? "(all)"
                : labels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }

    private static Map<String, String> env(Container container) {
        return container.getEnv().stream().filter(e -> e.getValue() != null).collect(Collectors.toMap(e -> e.getName(), e -> e.getValue()));
    }

    @Test
    void theChartLintsClean() {
        assertThat(helm.ok("lint", "--strict", Helm.CHART.toString())).contains("0 chart(s) failed");
    }

    @Test
    void theControllerAndTheActivatorGetExactlyTheRulesTheirRbacFilesGrantAndRunAsNonRoot() throws IOException {
        List<GenericKubernetesResource> docs = render();
        for (String[] app : new String[][] {{"mu-operator", "deploy/operator/rbac.yaml"}, {"mu-activator-lb", "deploy/activator-lb/rbac.yaml"}}) {
            List<PolicyRule> shipped = one(fromFile(ROOT.resolve(app[1])), "ClusterRole", app[0], ClusterRole.class).getRules();
            assertThat(one(docs, "ClusterRole", app[0], ClusterRole.class).getRules()).as(app[0]).isEqualTo(shipped);
        }
        assertThat(one(docs, "Role", "mu-operator-leader-election", Role.class).getRules())
                .isEqualTo(one(fromFile(ROOT.resolve("deploy/operator/rbac.yaml")), "Role", "mu-operator-leader-election", Role.class).getRules());

        for (String name : List.of("mu-controller", "mu-activator-lb")) {
            PodSpec pod = one(docs, "Deployment", name, Deployment.class).getSpec().getTemplate().getSpec();
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).as(name).isTrue();
            for (Container container : pod.getContainers()) {
                assertThat(container.getSecurityContext().getRunAsNonRoot()).as(name).isTrue();
                assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).as(name).isFalse();
                assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).as(name).isTrue();
                assertThat(container.getSecurityContext().getCapabilities().getDrop()).as(name).containsExactly("ALL");
                assertThat(container.getImage()).as(name).startsWith("ghcr.io/muserving/").endsWith(":0.1.0");
                assertThat(container.getReadinessProbe()).as(name).isNotNull();
            }
        }
    }

    @Test
    void valuesReachTheAppsAsTheirOwnSettings() {
        List<GenericKubernetesResource> docs = render("domain=fn.example.org", "controller.autoscaler=knative", "activator.routing=linucb",
                "activator.replicas=3", "activator.bodyTimeoutSeconds=20", "activator.bodyMinRate=2000", "image.tag=1.2.3");
        Deployment controller = one(docs, "Deployment", "mu-controller", Deployment.class);
        Map<String, String> controllerEnv = env(controller.getSpec().getTemplate().getSpec().getContainers().get(0));
        assertThat(controllerEnv).containsEntry("MU_OPERATOR_AUTOSCALER", "knative").containsEntry("MU_OPERATOR_DOMAIN", "fn.example.org")
                .containsEntry("MU_OPERATOR_QUEUE_PROXY_IMAGE", "ghcr.io/muserving/queue-proxy:1.2.3")
                .containsEntry("MU_OPERATOR_LEADER_ELECTION_LEASE_NAMESPACE", "mu-system");
        Deployment activator = one(docs, "Deployment", "mu-activator-lb", Deployment.class);
        assertThat(activator.getSpec().getReplicas()).isEqualTo(3);
        assertThat(env(activator.getSpec().getTemplate().getSpec().getContainers().get(0))).containsEntry("MU_ROUTING", "linucb")
                .containsEntry("MU_DOMAIN", "fn.example.org").containsEntry("MU_CONTROLLER", "ws://mu-controller.mu-system.svc:8080")
                .containsEntry("MU_BODY_TIMEOUT_SECONDS", "20").containsEntry("MU_BODY_MIN_RATE", "2000");
        // the metric stream's Service selects the leader only
        assertThat(one(docs, "Service", "mu-controller", io.fabric8.kubernetes.api.model.Service.class).getSpec().getSelector())
                .containsEntry("muserving.dev/leader", "true");
        assertThat(docs).anyMatch(d -> "PodDisruptionBudget".equals(d.getKind()));
        assertThat(docs).noneMatch(d -> "Ingress".equals(d.getKind()) || "NetworkPolicy".equals(d.getKind()));

        List<GenericKubernetesResource> optional = render("activator.ingress.enabled=true", "networkPolicy.enabled=true");
        assertThat(one(optional, "Ingress", "mu-activator-lb", Ingress.class).getSpec().getRules()).extracting(r -> r.getHost())
                .containsExactly("*.example.com", "example.com");
        // found by an outside probe: an Ingress wildcard matches one label, and <function>.<namespace>.<domain> has two
        assertThat(one(render("activator.ingress.enabled=true", "activator.ingress.namespaces={demo,shop}"), "Ingress", "mu-activator-lb",
                Ingress.class).getSpec().getRules()).extracting(r -> r.getHost())
                .containsExactly("*.example.com", "example.com", "*.demo.example.com", "*.shop.example.com");
        // and Kubernetes' own form of a pull secret, {name: ...}, beside a bare name
        List<GenericKubernetesResource> pulling = render(List.of("--set-json", "image.pullSecrets=[{\"name\":\"regcred\"},\"other\"]"));
        assertThat(one(pulling, "Deployment", "mu-controller", Deployment.class).getSpec().getTemplate().getSpec().getImagePullSecrets())
                .extracting(LocalObjectReference::getName).containsExactly("regcred", "other");
        assertThat(optional.stream().filter(d -> "NetworkPolicy".equals(d.getKind()))).hasSize(2);
        assertThat(peers(optional, "mu-controller", "http")).as("the controller: the activator-lb only")
                .containsExactly("pods app.kubernetes.io/name=mu-activator-lb");
        assertThat(peers(optional, "mu-activator-lb", "admin")).as("the admin port: this namespace only").containsExactly("pods (all)");

        List<GenericKubernetesResource> scraped = render(List.of("--set-json",
                "networkPolicy.metricsFrom=[{\"namespaceSelector\":{\"matchLabels\":{\"kubernetes.io/metadata.name\":\"monitoring\"}}}]"),
                "networkPolicy.enabled=true");
        String monitoring = "namespaces kubernetes.io/metadata.name=monitoring";
        assertThat(peers(scraped, "mu-controller", "http")).as("a Prometheus elsewhere reaches /q/metrics")
                .containsExactly("pods app.kubernetes.io/name=mu-activator-lb", monitoring);
        assertThat(peers(scraped, "mu-activator-lb", "admin")).containsExactly("pods (all)", monitoring);
        assertThat(docs).as("no Prometheus Operator CRDs, no monitors or rules").noneMatch(d -> List.of("PrometheusRule", "PodMonitor")
                .contains(d.getKind()));
    }

    @Test
    void byDefaultEveryImageHasTheTagTheImagesProfilePushes() throws IOException {
        Matcher pushed = Pattern.compile("<mu\\.image\\.tag>([^<]+)</mu\\.image\\.tag>").matcher(Files.readString(ROOT.resolve("pom.xml")));
        assertThat(pushed.find()).as("pom.xml sets mu.image.tag").isTrue();
        String rendered = helm.ok("template", "mu", Helm.CHART.toString(), "--namespace", "mu-system", "--kube-version", KUBE_VERSION);
        // an install without --set image.tag once pulled the appVersion's tag, which -Pimages never pushed
        List<String> images = Pattern.compile("ghcr\\.io/muserving/[^\\s\"]+").matcher(rendered).results().map(MatchResult::group).toList();
        assertThat(images).as("every controller, activator-lb, queue-proxy and test image").hasSizeGreaterThanOrEqualTo(4)
                .allSatisfy(image -> assertThat(image).endsWith(":" + pushed.group(1)));
    }

    @Test
    void wherePrometheusOperatorsCrdsAreTheRulesComeAsAPrometheusRuleAndTheScrapesAsPodMonitors() {
        List<String> operator = List.of("--api-versions", "monitoring.coreos.com/v1/PrometheusRule", "--api-versions",
                "monitoring.coreos.com/v1/PodMonitor");
        List<GenericKubernetesResource> docs = render(operator, "monitoring.labels.release=kube-prometheus-stack");
        GenericKubernetesResource rule = one(docs, "PrometheusRule", "mu", GenericKubernetesResource.class);
        assertThat(rule.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
        assertThat(YAML.asYaml(rule.getAdditionalProperties().get("spec"))).contains("alert: \"MuActivatorDown\"", "record: \"mu:requests:rate1m\"");
        for (String app : List.of("mu-controller", "mu-activator-lb")) {
            GenericKubernetesResource monitor = one(docs, "PodMonitor", app, GenericKubernetesResource.class);
            // the rules select on job="mu-controller" and job="mu-activator-lb": the pods' app.kubernetes.io/name
            assertThat(YAML.asYaml(monitor.getAdditionalProperties().get("spec"))).contains("jobLabel: \"app.kubernetes.io/name\"");
            assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
        }
        // the queue-proxies of the Functions' pods, wherever their namespace, as the operator labels them and names the admin port
        String functions = YAML.asYaml(one(docs, "PodMonitor", "mu-functions", GenericKubernetesResource.class).getAdditionalProperties().get("spec"));
        assertThat(functions).contains("any: true", FunctionNames.MANAGED_BY + ": \"" + FunctionNames.OPERATOR + "\"",
                "port: \"admin\"", "replacement: \"mu-queue-proxy\"",
                "__meta_kubernetes_pod_label_" + FunctionNames.FUNCTION_LABEL.replaceAll("[^A-Za-z0-9_]", "_"));
        assertThat(render(operator, "monitoring.enabled=false")).noneMatch(d -> List.of("PrometheusRule", "PodMonitor").contains(d.getKind()));
    }

    @Test
    void theDashboardsComeAsConfigMapsForGrafanasSidecarEachTheShippedFile() throws IOException {
        List<GenericKubernetesResource> docs = render();
        for (String name : List.of("mu-overview", "mu-function", "mu-data-plane")) {
            ConfigMap map = one(docs, "ConfigMap", name + "-dashboard", ConfigMap.class);
            assertThat(map.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
            assertThat(map.getData().get(name + ".json"))
                    .isEqualTo(Files.readString(ROOT.resolve("deploy/dashboards/" + name + ".json")).strip());
        }
        assertThat(render("dashboards.enabled=false")).noneMatch(d -> "ConfigMap".equals(d.getKind()));
    }

    @Test
    void aValueOfTheWrongTypeOrAnUnknownOneIsRefusedNamingIt() {
        Outcome wrongType = helm.run("template", "mu", Helm.CHART.toString(), "--set", "activator.replicas=notanumber");
        assertThat(wrongType.exitCode()).isNotZero();
        assertThat(wrongType.output()).contains("activator", "replicas");
        Outcome unknown = helm.run("template", "mu", Helm.CHART.toString(), "--set", "activator.replica=2");
        assertThat(unknown.exitCode()).isNotZero();
        assertThat(unknown.output()).contains("replica");
        Outcome badPolicy = helm.run("template", "mu", Helm.CHART.toString(), "--set", "controller.autoscaler=fastest");
        assertThat(badPolicy.exitCode()).isNotZero();
        assertThat(badPolicy.output()).contains("autoscaler");
        // a tick of zero crashed the controller once it led (an outside probe)
        Outcome noTick = helm.run("template", "mu", Helm.CHART.toString(), "--kube-version", KUBE_VERSION,
                "--set", "controller.autoscalerTick=0s");
        assertThat(noTick.exitCode()).isNotZero();
        assertThat(noTick.output()).contains("autoscalerTick");
        // found by the same probe: each rendered, and broke at install or at a node's drain
        for (String set : List.of("image.registry=ghcr.io/x/", "queueProxy.image=a b", "activator.podDisruptionBudget.minAvailable=abc",
                "controller.maxWeight=0")) {
            Outcome refused = helm.run("template", "mu", Helm.CHART.toString(), "--kube-version", KUBE_VERSION, "--set", set);
            assertThat(refused.exitCode()).as(set).isNotZero();
            assertThat(refused.output()).as(set).contains(set.substring(set.lastIndexOf('.', set.indexOf('=')) + 1, set.indexOf('=')));
        }
        Outcome blocksDrains = helm.run("template", "mu", Helm.CHART.toString(), "--kube-version", KUBE_VERSION,
                "--set", "activator.replicas=1");
        assertThat(blocksDrains.exitCode()).isNotZero();
        assertThat(blocksDrains.output()).contains("activator.podDisruptionBudget.minAvailable (1) must be below activator.replicas (1)");
        assertThat(render("activator.replicas=1", "activator.podDisruptionBudget.enabled=false")).noneMatch(d -> "PodDisruptionBudget".equals(d.getKind()));
        // found by an outside probe: lease timings out of order rendered, and the controller then refused to start
        Outcome outOfOrder = helm.run("template", "mu", Helm.CHART.toString(), "--kube-version", KUBE_VERSION,
                "--set", "controller.leaderElection.leaseDuration=1s");
        assertThat(outOfOrder.exitCode()).isNotZero();
        assertThat(outOfOrder.output()).contains("leaseDuration (1s) must be longer than renewDeadline (10s)");
        assertThat(render("controller.leaderElection.leaseDuration=2m", "controller.leaderElection.renewDeadline=90s",
                "controller.leaderElection.retryPeriod=500ms")).anyMatch(d -> "Deployment".equals(d.getKind()));
    }

    @Test
    void theChartsCrdIsTheGeneratedOne() throws IOException {
        assertThat(Files.readString(Helm.CHART.resolve("crds/functions.muserving.dev-v1.yml")))
                .isEqualTo(Files.readString(ROOT.resolve("deploy/crds/functions.muserving.dev-v1.yml")));
    }
}
