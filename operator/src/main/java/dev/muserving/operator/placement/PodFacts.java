package dev.muserving.operator.placement;

import dev.muserving.api.Arch;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What a scheduler reads off pods and nodes: requests, the architectures a pod allows, whether a
 * node takes new pods at all, and whether one pod may go on one node (its required node affinity,
 * node selector and the node's taints). Pure.
 */
final class PodFacts {

    static final String ARCH_LABEL = "kubernetes.io/arch";
    /** The label a Deployment's ReplicaSet puts on its pods: which revision of the pod template they run. */
    static final String TEMPLATE_HASH_LABEL = "pod-template-hash";
    private static final BigDecimal MIB = BigDecimal.valueOf(1024L * 1024);

    private PodFacts() {}

    /**
     * CPU in millicores and memory in MiB the pod requests (each at least 1 for the policies), as
     * kube-scheduler counts them: its containers and sidecars (init containers that keep running),
     * or an init container with the sidecars started before it when that is more, plus the pod's
     * overhead. Until 2026-12-06 init containers and overhead were left out, and an outside probe
     * saw pods whose init container asked for 3 CPUs put three to a 4-CPU node.
     */
    static int[] requests(Pod pod) {
        BigDecimal[] running = {BigDecimal.ZERO, BigDecimal.ZERO};
        BigDecimal[] starting = {BigDecimal.ZERO, BigDecimal.ZERO};
        List<Container> inits = pod.getSpec().getInitContainers() == null ? List.of() : pod.getSpec().getInitContainers();
        for (Container init : inits) {
            if ("Always".equals(init.getRestartPolicy())) {
                add(running, requestsOf(init));
            } else {
                BigDecimal[] alone = {running[0], running[1]};
                add(alone, requestsOf(init));
                starting[0] = starting[0].max(alone[0]);
                starting[1] = starting[1].max(alone[1]);
            }
        }
        for (Container container : pod.getSpec().getContainers()) {
            add(running, requestsOf(container));
        }
        BigDecimal[] total = {running[0].max(starting[0]), running[1].max(starting[1])};
        add(total, pod.getSpec().getOverhead());
        return new int[] {(int) Math.max(1, atMost(total[0].movePointRight(3).setScale(0, RoundingMode.CEILING), Integer.MAX_VALUE)),
                (int) Math.max(1, atMost(total[1].divide(MIB, 0, RoundingMode.CEILING), Integer.MAX_VALUE))};
    }

    private static Map<String, Quantity> requestsOf(Container container) {
        return container.getResources() == null ? null : container.getResources().getRequests();
    }

    /** Adds CPU and memory of {@code requests}, if any, to {@code sum}. */
    private static void add(BigDecimal[] sum, Map<String, Quantity> requests) {
        if (requests != null) {
            sum[0] = sum[0].add(amount(requests.get("cpu")));
            sum[1] = sum[1].add(amount(requests.get("memory")));
        }
    }

    /**
     * A whole amount held in a long, no more than {@code max}: BigDecimal's intValue wraps round, and
     * a pod asking for 10^16 cores once counted as a small one and was bound to a 4-core node.
     */
    static long atMost(BigDecimal whole, long max) {
        return whole.min(BigDecimal.valueOf(max)).longValue();
    }

    private static BigDecimal amount(Quantity quantity) {
        return quantity == null ? BigDecimal.ZERO : quantity.getNumericalAmount();
    }

    /**
     * The Deployment a pod belongs to and the revision of its template, read from the ReplicaSet
     * that owns it ({@code <deployment>-<pod-template-hash>}); empty for a pod no Deployment made.
     */
    static Optional<Revision> revision(Pod pod) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        String hash = labels == null ? null : labels.get(TEMPLATE_HASH_LABEL);
        if (hash == null || pod.getMetadata().getOwnerReferences() == null) {
            return Optional.empty();
        }
        return pod.getMetadata().getOwnerReferences().stream()
                .filter(o -> "ReplicaSet".equals(o.getKind()) && o.getName().endsWith("-" + hash))
                .findFirst()
                .map(o -> new Revision(pod.getMetadata().getNamespace() + "/" + o.getName().substring(0, o.getName().length() - hash.length() - 1),
                        hash));
    }

    /** @param deployment {@code <namespace>/<name>} */
    record Revision(String deployment, String templateHash) {}

    /** The architectures the pod's node selector and required node affinity allow (both when they say nothing). */
    static Set<Arch> architectures(Pod pod) {
        Set<Arch> allowed = EnumSet.allOf(Arch.class);
        allowed.removeIf(arch -> !allows(pod, Map.of(ARCH_LABEL, arch.label())));
        return allowed;
    }

    /** A pod serves: its Ready condition is True. */
    static boolean ready(Pod pod) {
        return pod.getStatus() != null && pod.getStatus().getConditions() != null && pod.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /** When a ready pod's Ready condition last became True; null when it does not say. */
    static Instant readySince(Pod pod) {
        return pod.getStatus() == null || pod.getStatus().getConditions() == null ? null : pod.getStatus().getConditions().stream()
                .filter(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()) && c.getLastTransitionTime() != null)
                .map(c -> Instant.parse(c.getLastTransitionTime())).findFirst().orElse(null);
    }

    /** When the API server created the pod; null when it does not say. */
    static Instant created(Pod pod) {
        String at = pod.getMetadata().getCreationTimestamp();
        return at == null ? null : Instant.parse(at);
    }

    /** A node takes new pods: Ready, not cordoned, of an architecture Mu knows. */
    static boolean schedulable(Node node) {
        boolean ready = node.getStatus() != null && node.getStatus().getConditions() != null && node.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
        return ready && !Boolean.TRUE.equals(node.getSpec() == null ? null : node.getSpec().getUnschedulable()) && arch(node).isPresent();
    }

    static Optional<Arch> arch(Node node) {
        Map<String, String> labels = node.getMetadata().getLabels();
        return Arch.fromLabel(labels == null ? null : labels.get(ARCH_LABEL));
    }

    /** Whether the pod may go on the node: its required affinity and node selector match, it tolerates the node's taints. */
    static boolean allowedOn(Pod pod, Node node) {
        Map<String, String> labels = node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
        return allows(pod, labels) && untolerated(pod, node).isEmpty();
    }

    /** Whether the node has a taint that keeps pods off unless they tolerate it (NoSchedule, NoExecute). */
    static boolean tainted(Node node) {
        return hardTaints(node).findAny().isPresent();
    }

    /** The first taint the pod does not tolerate, for the reason it cannot go there. */
    static Optional<Taint> untolerated(Pod pod, Node node) {
        return hardTaints(node).filter(t -> !tolerated(pod.getSpec().getTolerations(), t)).findFirst();
    }

    /** The node's taints but PreferNoSchedule, which only scoring weighs. */
    private static Stream<Taint> hardTaints(Node node) {
        List<Taint> taints = node.getSpec() == null || node.getSpec().getTaints() == null ? List.of() : node.getSpec().getTaints();
        return taints.stream().filter(t -> !"PreferNoSchedule".equals(t.getEffect()));
    }

    private static boolean tolerated(List<Toleration> tolerations, Taint taint) {
        return tolerations != null && tolerations.stream().anyMatch(t ->
                (t.getEffect() == null || t.getEffect().isEmpty() || t.getEffect().equals(taint.getEffect()))
                        && (t.getKey() == null || t.getKey().isEmpty() ? "Exists".equals(t.getOperator())
                                : t.getKey().equals(taint.getKey()) && ("Exists".equals(t.getOperator())
                                        || Objects.equals(t.getValue() == null ? "" : t.getValue(), taint.getValue() == null ? "" : taint.getValue()))));
    }

    private static boolean allows(Pod pod, Map<String, String> labels) {
        Map<String, String> selector = pod.getSpec().getNodeSelector();
        if (selector != null && selector.entrySet().stream().anyMatch(e -> !e.getValue().equals(labels.get(e.getKey())))) {
            return false;
        }
        var affinity = pod.getSpec().getAffinity();
        var required = affinity == null || affinity.getNodeAffinity() == null ? null
                : affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
        if (required == null || required.getNodeSelectorTerms() == null || required.getNodeSelectorTerms().isEmpty()) {
            return true;
        }
        return required.getNodeSelectorTerms().stream().anyMatch(term -> matches(term, labels));
    }

    private static boolean matches(NodeSelectorTerm term, Map<String, String> labels) {
        List<NodeSelectorRequirement> expressions = term.getMatchExpressions() == null ? List.of() : term.getMatchExpressions();
        return expressions.stream().allMatch(e -> {
            String value = labels.get(e.getKey());
            List<String> values = e.getValues() == null ? List.of() : e.getValues();
            return switch (e.getOperator()) {
                case "In" -> value != null && values.contains(value);
                case "NotIn" -> value == null || !values.contains(value);
                case "Exists" -> value != null;
                case "DoesNotExist" -> value == null;
                default -> false; // Gt, Lt: not used by Mu's pods; such a term never matches here
            };
        });
    }

    /**
     * Whether a node update can change a placement: its labels, taints, cordon, allocatable or
     * readiness. Kubelets (and KWOK) update every node's status for heartbeats; those must not set
     * off a round each.
     */
    static boolean placementChanged(Node before, Node after) {
        return !Objects.equals(before.getMetadata().getLabels(), after.getMetadata().getLabels())
                || !Objects.equals(before.getSpec(), after.getSpec())
                || !Objects.equals(allocatable(before), allocatable(after))
                || !readyCondition(before).equals(readyCondition(after));
    }

    private static Map<String, Quantity> allocatable(Node node) {
        return node.getStatus() == null ? null : node.getStatus().getAllocatable();
    }

    static String readyCondition(Node node) {
        return node.getStatus() == null || node.getStatus().getConditions() == null ? "Unknown" : node.getStatus().getConditions()
                .stream().filter(c -> "Ready".equals(c.getType())).map(NodeCondition::getStatus).findFirst().orElse("Unknown");
    }
}
