package dev.muserving.testenv.agent;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The agent's Nodes, as a kubelet registers and keeps its own: labelled with their architecture and
 * OS, with capacity and allocatable, the Ready condition and the node Lease renewed every heartbeat,
 * so the node lifecycle controller keeps them schedulable. Their speed is an annotation
 * ({@value #SPEED_ANNOTATION}) and reaches their pods as {@code MU_NODE_SPEED}.
 */
final class NodeKeeper {

    static final String SPEED_ANNOTATION = "muserving.dev/node-speed";
    private static final String LEASE_NAMESPACE = "kube-node-lease";

    private final KubernetesClient client;
    private final AgentOptions options;
    private final Map<String, String> archByNode = new LinkedHashMap<>();
    private final Instant started = Instant.now();

    NodeKeeper(KubernetesClient client, AgentOptions options) {
        this.client = client;
        this.options = options;
        options.nodes().forEach((arch, count) -> {
            for (int i = 0; i < count; i++) {
                archByNode.put("proc-" + arch + "-" + i, arch);
            }
        });
    }

    List<String> names() {
        return new ArrayList<>(archByNode.keySet());
    }

    String arch(String node) {
        return archByNode.get(node);
    }

    double speed(String node) {
        return options.speeds().getOrDefault(archByNode.get(node), 1.0);
    }

    void register() {
        for (Map.Entry<String, String> node : archByNode.entrySet()) {
            Node wanted = new NodeBuilder()
                    .withNewMetadata()
                        .withName(node.getKey())
                        .withLabels(Map.of("kubernetes.io/arch", node.getValue(), "kubernetes.io/os", "linux",
                                "kubernetes.io/hostname", node.getKey(), "type", "process", NodeAgent.NODE_LABEL, "true"))
                        .withAnnotations(Map.of(SPEED_ANNOTATION, Double.toString(speed(node.getKey())), "node.alpha.kubernetes.io/ttl", "0"))
                    .endMetadata()
                    .withNewSpec().endSpec()
                    .build();
            client.nodes().resource(wanted).fieldManager("mu-node-agent").forceConflicts().serverSideApply();
        }
        heartbeat();
    }

    void heartbeatQuietly() {
        try {
            heartbeat();
        } catch (RuntimeException e) {
            NodeAgent.log("heartbeat: " + e.getMessage());
        }
    }

    private void heartbeat() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        for (Map.Entry<String, String> node : archByNode.entrySet()) {
            Node status = new NodeBuilder().withNewMetadata().withName(node.getKey()).endMetadata()
                    .withStatus(status(node.getKey(), node.getValue(), now)).build();
            client.nodes().resource(status).patchStatus();
            Lease lease = new LeaseBuilder().withNewMetadata().withName(node.getKey()).withNamespace(LEASE_NAMESPACE).endMetadata()
                    .withNewSpec().withHolderIdentity(node.getKey()).withLeaseDurationSeconds(40)
                    .withRenewTime(now.atZone(ZoneOffset.UTC)).endSpec().build();
            client.leases().inNamespace(LEASE_NAMESPACE).resource(lease).fieldManager("mu-node-agent").forceConflicts().serverSideApply();
        }
    }

    private NodeStatus status(String node, String arch, Instant now) {
        Map<String, Quantity> capacity = Map.of("cpu", new Quantity(options.cpu()), "memory", new Quantity(options.memory()),
                "pods", new Quantity(Integer.toString(options.maxPods())));
        List<NodeCondition> conditions = new ArrayList<>();
        conditions.add(condition("Ready", "True", "KubeletReady", "mu-node-agent is posting ready status", now));
        for (String pressure : List.of("MemoryPressure", "DiskPressure", "PIDPressure")) {
            conditions.add(condition(pressure, "False", "KubeletHas" + pressure.replace("Pressure", "") + "Room", "no pressure emulated", now));
        }
        return new NodeStatusBuilder()
                .withCapacity(capacity)
                .withAllocatable(capacity)
                .withConditions(conditions)
                .addNewAddress().withType("InternalIP").withAddress(options.gateway()).endAddress()
                .addNewAddress().withType("Hostname").withAddress(node).endAddress()
                .withNewNodeInfo()
                    .withArchitecture(arch).withOperatingSystem("linux").withKubeletVersion("mu-node-agent")
                    .withKubeProxyVersion("").withContainerRuntimeVersion("mu-node-agent://processes")
                    .withKernelVersion(System.getProperty("os.version")).withOsImage("local processes")
                    .withMachineID(node).withSystemUUID(node).withBootID(started.toString())
                .endNodeInfo()
                .build();
    }

    private NodeCondition condition(String type, String status, String reason, String message, Instant now) {
        return new NodeConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
                .withLastHeartbeatTime(now.toString()).withLastTransitionTime(started.truncatedTo(ChronoUnit.SECONDS).toString()).build();
    }
}
