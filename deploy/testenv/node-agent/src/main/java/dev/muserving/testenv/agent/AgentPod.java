package dev.muserving.testenv.agent;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HostIP;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A pod this agent runs: its network namespace and address, its containers, and whether it is being
 * stopped. Builds the pod's status the way a kubelet reports it. Touched only on the sync thread.
 */
final class AgentPod {

    final String uid;
    final String namespace;
    final String name;
    final String node;
    final String netns;
    final String ip;
    final Instant startTime;
    final Map<String, AgentContainer> containers = new LinkedHashMap<>();
    /** Set once the pod is being deleted: SIGTERM sent, SIGKILL at this instant. */
    Instant killAt;
    PodStatus lastReported;

    AgentPod(Pod pod, String netns, String ip, Instant startTime, Duration firstBackoff) {
        this.uid = pod.getMetadata().getUid();
        this.namespace = pod.getMetadata().getNamespace();
        this.name = pod.getMetadata().getName();
        this.node = pod.getSpec().getNodeName();
        this.netns = netns;
        this.ip = ip;
        this.startTime = startTime;
        for (Container container : pod.getSpec().getContainers()) {
            containers.put(container.getName(), new AgentContainer(container, pod.getSpec().getRestartPolicy(), firstBackoff));
        }
    }

    String key() {
        return namespace + "/" + name;
    }

    /** Every container ended for good: the pod's phase is Succeeded or Failed, and its sandbox can go. */
    boolean finished() {
        return containers.values().stream().allMatch(c -> c.finished);
    }

    boolean anyRunning() {
        return containers.values().stream().anyMatch(AgentContainer::running);
    }

    AgentState.PodRecord record() {
        Map<String, AgentState.ContainerRecord> records = new LinkedHashMap<>();
        containers.forEach((name, c) -> {
            if (c.process != null) {
                records.put(name, new AgentState.ContainerRecord(c.process.pid(), startMillis(c.process), c.restarts));
            }
        });
        return new AgentState.PodRecord(namespace, name, node, netns, ip, records);
    }

    static long startMillis(ProcessHandle process) {
        return process.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }

    /** The status a kubelet would report now; {@code scheduled} is the scheduler's condition, kept as it is. */
    PodStatus status(String hostIp, PodCondition scheduled, Instant now) {
        boolean everyContainerStarted = containers.values().stream().allMatch(c -> c.running() || c.last != null);
        boolean allReady = containers.values().stream().allMatch(c -> c.ready);
        List<PodCondition> conditions = new ArrayList<>();
        conditions.add(condition("PodReadyToStartContainers", true, null, now));
        conditions.add(condition("Initialized", true, null, now));
        String notReady = containers.values().stream().filter(c -> !c.ready).map(c -> c.spec.getName()).toList().toString();
        conditions.add(condition("ContainersReady", allReady, allReady ? null : "containers with unready status: " + notReady, now));
        conditions.add(condition("Ready", allReady, allReady ? null : "containers with unready status: " + notReady, now));
        if (scheduled != null) {
            conditions.add(scheduled);
        }
        return new PodStatusBuilder()
                .withPhase(phase(everyContainerStarted))
                .withHostIP(hostIp)
                .withHostIPs(new HostIP(hostIp))
                .withPodIP(ip)
                .withPodIPs(new PodIP(ip))
                .withStartTime(AgentContainer.time(startTime))
                .withConditions(conditions)
                .withContainerStatuses(containers.values().stream().map(AgentContainer::status).toList())
                .build(); // qosClass is the API server's to set
    }

    private String phase(boolean everyContainerStarted) {
        if (finished()) {
            return containers.values().stream().allMatch(c -> c.last.exitCode() == 0) ? "Succeeded" : "Failed";
        }
        return everyContainerStarted ? "Running" : "Pending";
    }

    /** A condition keeps its transition time while its status holds, as kubelet's do. */
    private PodCondition condition(String type, boolean ok, String message, Instant now) {
        String status = ok ? "True" : "False";
        String since = lastReported == null || lastReported.getConditions() == null ? null : lastReported.getConditions().stream()
                .filter(c -> type.equals(c.getType()) && status.equals(c.getStatus())).map(PodCondition::getLastTransitionTime)
                .filter(Objects::nonNull).findFirst().orElse(null);
        return new PodConditionBuilder().withType(type).withStatus(status).withReason(ok ? null : "ContainersNotReady")
                .withMessage(message).withLastTransitionTime(since != null ? since : AgentContainer.time(now)).build();
    }

}
