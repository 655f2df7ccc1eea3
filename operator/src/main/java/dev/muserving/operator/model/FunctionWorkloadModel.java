package dev.muserving.operator.model;

import dev.muserving.api.Arch;
import dev.muserving.api.FunctionDuration;
import dev.muserving.api.QueueProxyContract;
import dev.muserving.api.v1alpha1.Function;
import dev.muserving.api.v1alpha1.FunctionMapping;
import dev.muserving.api.v1alpha1.FunctionNames;
import dev.muserving.api.v1alpha1.ResolvedFunction;
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

/**
 * A Function's desired children, built from its spec alone (docs/architecture.md, rule 3): one Deployment per
 * allowed architecture with the queue-proxy injected, and one Service in front of all its pods.
 * Pure: no client, no clock; the JOSDK dependents only call it. Replica counts are inputs (from the
 * spec now, from the autoscaler and placement later), never guessed here.
 */
public final class FunctionWorkloadModel {

    /** The queue-proxy's ports, as Knative's: traffic 8012, admin (readiness, metrics) 8022. */
    public static final int QUEUE_PORT = QueueProxyContract.DEFAULT_PORT;
    public static final int ADMIN_PORT = QueueProxyContract.DEFAULT_ADMIN_PORT;
    /** The queue-proxy's port in the pod, which the Service targets. */
    private static final String QUEUE_PORT_NAME = "http";
    /**
     * What the sidecar itself asks for: little CPU, since it forwards and does not compute; the memory its
     * JVM holds once it has served (about 75 MiB of its own, besides the JVM's shared files;
     * scripts/queue-proxy-ab.sh, docs/dataplane.md "What a queue-proxy holds"), so that placement does not
     * overcommit a node by 30 MiB a pod.
     */
    static final Map<String, Quantity> QUEUE_PROXY_REQUESTS = Map.of("cpu", new Quantity("25m"), "memory", new Quantity("80Mi"));
    /** The non-root user the containers run as unless their image says otherwise. */
    static final long NON_ROOT_USER = 65532;

    private final OperatorSettings settings;

    public FunctionWorkloadModel(OperatorSettings settings) {
        this.settings = settings;
    }

    /** The architecture's Deployment of a valid Function ({@link FunctionMapping} throws on an invalid one). */
    public Deployment toDeployment(Function function, Arch arch, int replicas) {
        ResolvedFunction resolved = FunctionMapping.resolveIgnoringUnknownPolicies(function);
        Map<String, String> labels = FunctionNames.archLabels(function, arch);
        Duration timeout = resolved.timeout();
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
                            .withContainers(userContainer(resolved, arch), queueProxy(resolved, arch))
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
                    .addNewPort().withName(FunctionNames.SERVICE_PORT).withPort(80).withTargetPort(new IntOrString(QUEUE_PORT_NAME)).endPort()
                .endSpec()
                .build();
    }

    /** The function's address through the activator-lb. */
    public String url(Function function) {
        return "http://" + FunctionNames.key(function).host(settings.domain())
                + (settings.urlPort().isPresent() ? ":" + settings.urlPort().getAsInt() : "");
    }

    private static Container userContainer(ResolvedFunction function, Arch arch) {
        int port = function.port();
        List<EnvVar> env = new ArrayList<>();
        function.env().forEach((name, value) -> env.add(env(name, value)));
        env.add(env("PORT", Integer.toString(port)));
        Map<String, Quantity> requests = Map.of("cpu", new Quantity(function.cpu()), "memory", new Quantity(function.memory()));
        return new ContainerBuilder()
                .withName(FunctionNames.USER_CONTAINER)
                .withImage(function.images().get(arch))
                .addNewPort().withName("user").withContainerPort(port).endPort()
                .withEnv(env)
                // SIGTERM reaches the function only once the queue-proxy has drained, or requests it still
                // passes on would meet a function on its way out
                .withNewLifecycle().withNewPreStop().withNewHttpGet().withPath(QueueProxyContract.WAIT_FOR_DRAIN_PATH)
                    .withPort(new IntOrString(ADMIN_PORT)).endHttpGet().endPreStop().endLifecycle()
                .withNewResources().withRequests(requests).withLimits(Map.of("memory", requests.get("memory"))).endResources()
                // the function's image may expect to write where it runs; Knative leaves that to the user too
                .withSecurityContext(restricted())
                .build();
    }

    private Container queueProxy(ResolvedFunction function, Arch arch) {
        return new ContainerBuilder()
                .withName(FunctionNames.QUEUE_PROXY_CONTAINER)
                .withImage(settings.queueProxyImage())
                .addNewPort().withName(QUEUE_PORT_NAME).withContainerPort(QUEUE_PORT).endPort()
                .addNewPort().withName("admin").withContainerPort(ADMIN_PORT).endPort()
                .withEnv(
                        env(QueueProxyContract.PORT, Integer.toString(QUEUE_PORT)),
                        env(QueueProxyContract.ADMIN_PORT, Integer.toString(ADMIN_PORT)),
                        env(QueueProxyContract.USER_PORT, Integer.toString(function.port())),
                        env(QueueProxyContract.CONTAINER_CONCURRENCY, Integer.toString(function.containerConcurrency())),
                        env(QueueProxyContract.ARCH, arch.label()),
                        env(QueueProxyContract.REQUEST_TIMEOUT_SECONDS, FunctionDuration.seconds(function.timeout())),
                        new EnvVarBuilder().withName(QueueProxyContract.POD_NAME).withNewValueFrom().withNewFieldRef()
                                .withFieldPath("metadata.name").endFieldRef().endValueFrom().build())
                .withNewReadinessProbe()
                    .withNewHttpGet().withPath(QueueProxyContract.READY_PATH).withPort(new IntOrString("admin")).endHttpGet()
                    .withPeriodSeconds(1).withFailureThreshold(3)
                .endReadinessProbe()
                .withNewResources().withRequests(QUEUE_PROXY_REQUESTS).endResources()
                // it writes nothing (no Vert.x file cache, no JVM perf data), as Knative's queue-proxy
                .withSecurityContext(new SecurityContextBuilder(restricted()).withReadOnlyRootFilesystem(true).build())
                .build();
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
