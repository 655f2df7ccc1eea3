package dev.muserving.operator.model;

import dev.muserving.api.Arch;
import dev.muserving.api.FunctionDefaults;
import dev.muserving.api.FunctionDuration;
import dev.muserving.api.QueueProxyContract;
import dev.muserving.api.v1alpha1.Function;
import dev.muserving.api.v1alpha1.FunctionResourceSpec;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Function's desired children, built from its spec alone (DESIGN.md rule 3): one Deployment per
 * allowed architecture with the queue-proxy injected, and one Service in front of all its pods.
 * Pure: no client, no clock; the JOSDK dependents only call it. Replica counts are inputs (from the
 * spec now, from the autoscaler and placement later), never guessed here.
 */
public final class FunctionWorkloadModel {

    /** The queue-proxy's ports, as Knative's: traffic 8012, admin (readiness, metrics) 8022. */
    public static final int QUEUE_PORT = QueueProxyContract.DEFAULT_PORT;
    public static final int ADMIN_PORT = QueueProxyContract.DEFAULT_ADMIN_PORT;
    /** What the sidecar itself asks for: it forwards, it does not compute. */
    static final Map<String, Quantity> QUEUE_PROXY_REQUESTS = Map.of("cpu", new Quantity("25m"), "memory", new Quantity("48Mi"));
    /** The non-root user the containers run as unless their image says otherwise. */
    static final long NON_ROOT_USER = 65532;

    private final OperatorSettings settings;

    public FunctionWorkloadModel(OperatorSettings settings) {
        this.settings = settings;
    }

    /** The architectures the function may run on: those listed, or both. */
    public static List<Arch> architectures(Function function) {
        List<String> listed = function.getSpec().architectures;
        if (listed == null || listed.isEmpty()) {
            return List.of(Arch.values());
        }
        return listed.stream().map(label -> Arch.fromLabel(label).orElseThrow()).sorted().toList();
    }

    public Deployment toDeployment(Function function, Arch arch, int replicas) {
        FunctionResourceSpec spec = function.getSpec();
        Map<String, String> labels = FunctionNames.archLabels(function, arch);
        Duration timeout = FunctionDuration.parse(Objects.requireNonNullElse(spec.timeout, FunctionDefaults.TIMEOUT))
                .orElseThrow(() -> new IllegalArgumentException("spec.timeout: not a duration: " + spec.timeout));
        return new DeploymentBuilder()
                .withNewMetadata()
                    .withName(FunctionNames.deployment(function, arch))
                    .withNamespace(function.getMetadata().getNamespace())
                    .withLabels(labels)
                    .withOwnerReferences(owner(function))
                .endMetadata()
                .withNewSpec()
                    .withReplicas(replicas)
                    .withNewSelector().withMatchLabels(labels).endSelector()
                    .withNewTemplate()
                        .withNewMetadata().withLabels(labels).endMetadata()
                        .withNewSpec()
                            .withSchedulerName(settings.schedulerName())
                            .withNewAffinity().withNewNodeAffinity().withNewRequiredDuringSchedulingIgnoredDuringExecution()
                                .addNewNodeSelectorTerm().addNewMatchExpression()
                                    .withKey(FunctionNames.NODE_ARCH_LABEL).withOperator("In").withValues(arch.label())
                                .endMatchExpression().endNodeSelectorTerm()
                            .endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().endAffinity()
                            .withNewSecurityContext()
                                .withRunAsNonRoot(true).withRunAsUser(NON_ROOT_USER)
                                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                            .endSecurityContext()
                            .withEnableServiceLinks(false)
                            // the queue-proxy drains for at most the request timeout, then the pod goes
                            .withTerminationGracePeriodSeconds(timeout.toSeconds() + 10)
                            .withContainers(userContainer(function, arch), queueProxy(function, arch, timeout))
                        .endSpec()
                    .endTemplate()
                .endSpec()
                .build();
    }

    public Service toService(Function function) {
        return new ServiceBuilder()
                .withNewMetadata()
                    .withName(FunctionNames.service(function))
                    .withNamespace(function.getMetadata().getNamespace())
                    .withLabels(FunctionNames.functionLabels(function))
                    .withOwnerReferences(owner(function))
                .endMetadata()
                .withNewSpec()
                    .withSelector(FunctionNames.functionLabels(function))
                    .addNewPort().withName("http").withPort(80).withTargetPort(new IntOrString("http")).endPort()
                .endSpec()
                .build();
    }

    /** The function's address through the activator-lb. */
    public String url(Function function) {
        return "http://" + function.getMetadata().getName() + "." + function.getMetadata().getNamespace() + "." + settings.domain();
    }

    private Container userContainer(Function function, Arch arch) {
        FunctionResourceSpec spec = function.getSpec();
        int port = port(spec);
        List<EnvVar> env = new ArrayList<>();
        if (spec.env != null) {
            spec.env.forEach(e -> env.add(new EnvVarBuilder().withName(e.name).withValue(e.value).build()));
        }
        env.add(new EnvVarBuilder().withName("PORT").withValue(Integer.toString(port)).build());
        FunctionResourceSpec.Resources resources = Objects.requireNonNullElseGet(spec.resources, FunctionResourceSpec.Resources::new);
        Map<String, Quantity> requests = Map.of(
                "cpu", new Quantity(Objects.requireNonNullElse(resources.cpu, FunctionDefaults.CPU)),
                "memory", new Quantity(Objects.requireNonNullElse(resources.memory, FunctionDefaults.MEMORY)));
        return new ContainerBuilder()
                .withName(FunctionNames.USER_CONTAINER)
                .withImage(image(spec, arch))
                .addNewPort().withName("user").withContainerPort(port).endPort()
                .withEnv(env)
                .withNewResources().withRequests(requests).withLimits(Map.of("memory", requests.get("memory"))).endResources()
                .withSecurityContext(restricted())
                .build();
    }

    private Container queueProxy(Function function, Arch arch, Duration timeout) {
        FunctionResourceSpec spec = function.getSpec();
        return new ContainerBuilder()
                .withName(FunctionNames.QUEUE_PROXY_CONTAINER)
                .withImage(settings.queueProxyImage())
                .addNewPort().withName("http").withContainerPort(QUEUE_PORT).endPort()
                .addNewPort().withName("admin").withContainerPort(ADMIN_PORT).endPort()
                .withEnv(
                        env(QueueProxyContract.PORT, Integer.toString(QUEUE_PORT)),
                        env(QueueProxyContract.ADMIN_PORT, Integer.toString(ADMIN_PORT)),
                        env(QueueProxyContract.USER_PORT, Integer.toString(port(spec))),
                        env(QueueProxyContract.CONTAINER_CONCURRENCY, Integer.toString(
                                Objects.requireNonNullElse(spec.containerConcurrency, FunctionDefaults.CONTAINER_CONCURRENCY))),
                        env(QueueProxyContract.ARCH, arch.label()),
                        env(QueueProxyContract.REQUEST_TIMEOUT_SECONDS, Long.toString(Math.max(1, timeout.toSeconds()))),
                        new EnvVarBuilder().withName(QueueProxyContract.POD_NAME).withNewValueFrom().withNewFieldRef()
                                .withFieldPath("metadata.name").endFieldRef().endValueFrom().build())
                .withNewReadinessProbe()
                    .withNewHttpGet().withPath(QueueProxyContract.READY_PATH).withPort(new IntOrString("admin")).endHttpGet()
                    .withPeriodSeconds(1).withFailureThreshold(3)
                .endReadinessProbe()
                .withNewResources().withRequests(QUEUE_PROXY_REQUESTS).endResources()
                .withSecurityContext(restricted())
                .build();
    }

    private static int port(FunctionResourceSpec spec) {
        return Objects.requireNonNullElse(spec.port, FunctionDefaults.PORT);
    }

    /** Knative's rule: one multi-arch image, or one per architecture (the CRD's CEL rule makes sure it exists). */
    static String image(FunctionResourceSpec spec, Arch arch) {
        if (spec.images != null && spec.images.containsKey(arch.label())) {
            return spec.images.get(arch.label());
        }
        return spec.image;
    }

    private static SecurityContext restricted() {
        Capabilities none = new Capabilities(null, List.of("ALL"));
        return new SecurityContextBuilder().withAllowPrivilegeEscalation(false).withCapabilities(none).withRunAsNonRoot(true).build();
    }

    private static EnvVar env(String name, String value) {
        return new EnvVarBuilder().withName(name).withValue(value).build();
    }

    private static OwnerReference owner(Function function) {
        return new OwnerReferenceBuilder()
                .withApiVersion(function.getApiVersion())
                .withKind(function.getKind())
                .withName(function.getMetadata().getName())
                .withUid(function.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build();
    }
}
