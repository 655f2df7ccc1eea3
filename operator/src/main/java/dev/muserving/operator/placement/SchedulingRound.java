package dev.muserving.operator.placement;

import dev.muserving.api.Arch;
import dev.muserving.api.ClusterSnapshot;
import dev.muserving.api.FunctionDemand;
import dev.muserving.api.FunctionKey;
import dev.muserving.api.FunctionSpec;
import dev.muserving.api.NodeInfo;
import dev.muserving.api.PodPhase;
import dev.muserving.api.PodPlacement;
import dev.muserving.operator.model.PlacementDemand;
import dev.muserving.placement.policy.PlacementPlan;
import dev.muserving.placement.policy.PlacementPolicy;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One pass of the {@code mu-placement} scheduler, pure: the cluster as the informers see it (nodes,
 * every pod, the bindings sent but not seen yet), translated into the placement policy's records
 * through this one adapter; the policy's plan turned back into bindings of pending pods, each
 * function's allocation per architecture (what its Deployments should run), and, for every pod that
 * stays pending, why (the resource missing, or the function it lost to under the fair share).
 *
 * <p>A group is what the policy calls a function: a Function's pods (label
 * {@code muserving.dev/function}); other pods for this scheduler are grouped by their owner.
 */
final class SchedulingRound {

    static final String FUNCTION_LABEL = "muserving.dev/function";
    /** A pod's weight under the fair share when no Function says (e.g. a plain workload given to this scheduler). */
    static final String WEIGHT_ANNOTATION = "muserving.dev/weight";
    private static final BigDecimal MIB = BigDecimal.valueOf(1024L * 1024);

    /** A Function the policy should place, with what it asks of placement now. */
    record Wanted(FunctionSpec spec, PlacementDemand demand) {}

    record Bind(String namespace, String pod, String uid, String node) {}

    record PodRef(String namespace, String name, String uid) {}

    /**
     * What this scheduler sent that its informer may not show yet, as kube-scheduler "assumes" a
     * pod bound before the API server says so.
     *
     * @param binds pod uid → node, for bindings sent
     * @param stops uids of the pods marked to be removed first ({@link #DELETE_FIRST}): counted, in
     *     the round after a stop, a pod whose mark was not seen yet gave its function back the room
     *     just taken from it, its Deployment grew for a moment, and the function the room was freed
     *     for lost a pending pod (MuSchedulerIT, a preemption)
     */
    record InFlight(Map<String, String> binds, Set<String> stops) {
        static final InFlight NONE = new InFlight(Map.of(), Set.of());
    }

    /**
     * @param deleteFirst pods placement stopped that are not marked yet to be the ones their
     *     ReplicaSet removes as its Deployment shrinks ({@link #DELETE_FIRST})
     */
    record Result(Map<String, Allocation> allocations, List<Bind> binds, Map<String, String> pendingWhy, List<PodRef> deleteFirst) {}

    /**
     * Kubernetes' pod-deletion-cost: a ReplicaSet that shrinks removes the pods of the lowest cost
     * first. Placement stops particular pods (a preemption frees room on one node for one function),
     * but a Deployment can only shrink; without the mark its ReplicaSet removed pods of its own
     * choosing, the room promised was never freed, and the function it was freed for kept losing
     * its pending pods as its allocation went from 0 to the promised pods and back (an outside probe
     * saw an amd64-only Function get none in minutes, its Deployment resized 0 ↔ 6 every ~10 s).
     */
    static final String DELETION_COST = "controller.kubernetes.io/pod-deletion-cost";
    static final String DELETE_FIRST = Integer.toString(Integer.MIN_VALUE);

    private final String schedulerName;
    private final PlacementPolicy policy;

    SchedulingRound(String schedulerName, PlacementPolicy policy) {
        this.schedulerName = schedulerName;
        this.policy = policy;
    }

    /**
     * @param inFlight what was sent that the informer does not show yet
     * @param functions the Functions whose pods this scheduler places, by key, with what each asks of placement
     * @param caps the most weight each namespace's pods may claim
     */
    Result run(List<Node> nodes, List<Pod> pods, InFlight inFlight, Map<FunctionKey, Wanted> functions, WeightCaps caps, Instant now) {
        Map<String, String> assumed = inFlight.binds();
        Map<String, Node> byName = new LinkedHashMap<>();
        nodes.stream().filter(PodFacts::schedulable).forEach(n -> byName.put(n.getMetadata().getName(), n));
        // a node that takes no new pods (not ready, cordoned) still holds the ones it runs: they stay
        // allocated, as kube-scheduler never takes a running pod away; only eviction does
        Map<String, Node> holding = new LinkedHashMap<>();
        nodes.stream().filter(n -> PodFacts.arch(n).isPresent()).forEach(n -> holding.put(n.getMetadata().getName(), n));

        Map<String, List<Pod>> groups = new LinkedHashMap<>();
        Map<String, long[]> used = new HashMap<>();
        Map<String, int[]> requestsOf = new HashMap<>(); // parsed once a round: quantities are slow to read
        for (Pod pod : pods) {
            if (terminal(pod)) {
                continue;
            }
            int[] requests = PodFacts.requests(pod);
            requestsOf.put(pod.getMetadata().getUid(), requests);
            String node = nodeOf(pod, assumed);
            if (ours(pod)) {
                groups.computeIfAbsent(group(pod), g -> new ArrayList<>()).add(pod);
            }
            if (node != null) {
                long[] sum = used.computeIfAbsent(node, n -> new long[3]);
                sum[0] += requests[0];
                sum[1] += requests[1];
                sum[2]++;
            }
        }
        functions.keySet().forEach(key -> groups.computeIfAbsent(key.toString(), g -> new ArrayList<>()));
        // The policy knows nodes by architecture and size only. A node with a NoSchedule or NoExecute
        // taint that no pod waiting here tolerates (a Function's pods tolerate none) takes no new pods
        // in its view, as a cordoned one: it planned starts there, which could not be bound, while
        // untainted nodes sat empty (found by an outside probe).
        List<Pod> unbound = groups.values().stream().flatMap(List::stream).filter(p -> nodeOf(p, assumed) == null).toList();
        Set<String> takesNewPods = new HashSet<>(byName.keySet());
        byName.values().stream().filter(n -> PodFacts.tainted(n) && unbound.stream().noneMatch(p -> PodFacts.untolerated(p, n).isEmpty()))
                .forEach(n -> takesNewPods.remove(n.getMetadata().getName()));

        // specs and demands: a Function's own, else one made from its pods
        Map<String, FunctionSpec> specs = new LinkedHashMap<>();
        Map<String, PlacementDemand> demanded = new LinkedHashMap<>();
        Map<String, Double> cappedFrom = new HashMap<>();
        groups.forEach((group, members) -> {
            Wanted wanted = functions.get(key(group));
            FunctionSpec spec = wanted != null ? wanted.spec() : specFromPods(group, members);
            double weight = caps.cap(key(group).namespace(), spec.weight());
            if (weight < spec.weight()) {
                cappedFrom.put(group, spec.weight());
            }
            int[] requests = members.isEmpty() ? new int[] {spec.cpuMillis(), spec.memoryMiB()}
                    : requestsOf.get(members.get(0).getMetadata().getUid()); // the pods' real requests, sidecar included
            spec = new FunctionSpec(group, spec.containerConcurrency(), requests[0], requests[1], spec.architectures(), spec.sloP99Ms(),
                    weight, spec.minScale(), spec.maxScale(), spec.initialScale(), spec.scaleToZeroAfter());
            specs.put(group, spec);
            PlacementDemand demand = wanted != null ? wanted.demand()
                    : PlacementDemand.of((int) members.stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).count());
            demanded.put(group, demand);
        });

        Set<String> outdated = outdated(groups.values(), assumed);

        // the nodes, less what pods outside these groups hold on them
        List<NodeInfo> nodeInfos = new ArrayList<>();
        Map<String, long[]> ownUse = new HashMap<>();
        List<PodPlacement> placements = new ArrayList<>();
        groups.forEach((group, members) -> {
            for (Pod pod : members) {
                String node = nodeOf(pod, assumed);
                if (node != null && holding.containsKey(node)) {
                    FunctionSpec spec = specs.get(group);
                    Arch arch = PodFacts.arch(holding.get(node)).orElseThrow();
                    if (!spec.architectures().contains(arch) || outdated.contains(pod.getMetadata().getUid())) {
                        // an architecture the Function dropped, or a template a rollout replaces: these pods are on their
                        // way out; they hold room (they stay in `used`), but placement must start their successors, or a
                        // rolling update whose surge pod is never bound would keep them for good
                        continue;
                    }
                    long[] sum = ownUse.computeIfAbsent(node, n -> new long[2]);
                    sum[0] += spec.cpuMillis();
                    sum[1] += spec.memoryMiB();
                    placements.add(new PodPlacement(pod.getMetadata().getName(), group, node, arch, phase(pod, inFlight.stops()),
                            created(pod, now), null));
                }
            }
        });
        for (Node node : holding.values()) {
            String name = node.getMetadata().getName();
            long[] all = used.getOrDefault(name, new long[3]);
            long[] own = ownUse.getOrDefault(name, new long[2]);
            boolean takesPods = takesNewPods.contains(name) && podSlots(node) > all[2];
            // a node that takes no new pods is as large as what these pods hold on it: full
            int cpu = (int) (takesPods ? allocatable(node, "cpu", true) - (all[0] - own[0]) : own[0]);
            int memory = (int) (takesPods ? allocatable(node, "memory", false) - (all[1] - own[1]) : own[1]);
            if (cpu > 0 && memory > 0) {
                nodeInfos.add(new NodeInfo(name, PodFacts.arch(node).orElseThrow(), cpu, memory));
            }
        }
        List<FunctionDemand> demands = new ArrayList<>();
        specs.forEach((group, spec) -> {
            PlacementDemand demand = demanded.get(group);
            int d = spec.clampReplicas(demand.desired());
            demands.add(new FunctionDemand(spec, d, Math.min(d, demand.required()), demand.serviceRates()));
        });
        PlacementPlan plan = policy.plan(new ClusterSnapshot(nodeInfos, placements), demands, now);

        // bindings: each start goes to a pending pod of its group that may run on that node and fits
        Map<String, long[]> free = new HashMap<>();
        for (Node node : byName.values()) {
            long[] sum = used.getOrDefault(node.getMetadata().getName(), new long[3]);
            free.put(node.getMetadata().getName(), new long[] {allocatable(node, "cpu", true) - sum[0], allocatable(node, "memory", false) - sum[1],
                    podSlots(node) - sum[2]});
        }
        Map<String, List<Pod>> waiting = new HashMap<>();
        groups.forEach((group, members) -> waiting.put(group, new ArrayList<>(members.stream()
                .filter(p -> nodeOf(p, assumed) == null && p.getMetadata().getDeletionTimestamp() == null).toList())));
        Map<String, Map<Arch, Integer>> starts = new HashMap<>();
        List<Bind> binds = new ArrayList<>();
        for (PlacementPlan.PodStart start : plan.starts()) {
            Node node = byName.get(start.node());
            if (node == null) {
                continue;
            }
            Arch arch = PodFacts.arch(node).orElseThrow();
            starts.computeIfAbsent(start.function(), g -> new EnumMap<>(Arch.class)).merge(arch, 1, Integer::sum);
            List<Pod> candidates = waiting.getOrDefault(start.function(), List.of());
            // the policy knows nodes by architecture and size only: a pod whose selector, affinity or
            // tolerations keep it off the node planned goes to another node of that architecture
            // that it may run on and that has the room, as kube-scheduler's filters would have chosen
            if (!bindOne(candidates, node, free, requestsOf, binds)) {
                for (Node other : byName.values()) {
                    if (other != node && PodFacts.arch(other).orElseThrow() == arch && bindOne(candidates, other, free, requestsOf, binds)) {
                        break;
                    }
                }
            }
        }

        // stops are placement's choice of pods to give back (scale-down, or a fairer split): the
        // Deployment shrinks by them, and the ReplicaSet removes them first, as they are marked so
        Set<String> stopped = new HashSet<>(plan.stops());
        List<PodRef> deleteFirst = new ArrayList<>();
        groups.values().forEach(members -> members.stream()
                .filter(p -> stopped.contains(p.getMetadata().getName()) && phase(p, inFlight.stops()) != PodPhase.TERMINATING)
                .forEach(p -> deleteFirst.add(new PodRef(p.getMetadata().getNamespace(), p.getMetadata().getName(),
                        p.getMetadata().getUid()))));
        // a pod promised on a node whose room is still being freed counts as placed: its Deployment
        // holds a pending pod for it, bound as soon as the room is free
        Map<String, Map<Arch, Integer>> promised = new HashMap<>();
        for (PlacementPlan.PodStart promise : plan.promised()) {
            Node node = holding.get(promise.node());
            if (node != null) {
                promised.computeIfAbsent(promise.function(), g -> new EnumMap<>(Arch.class))
                        .merge(PodFacts.arch(node).orElseThrow(), 1, Integer::sum);
            }
        }
        Map<String, Allocation> allocations = new LinkedHashMap<>();
        groups.forEach((group, members) -> {
            Map<Arch, Integer> byArch = new EnumMap<>(Arch.class);
            specs.get(group).architectures().forEach(a -> byArch.put(a, 0));
            for (PodPlacement p : placements) {
                if (p.function().equals(group) && p.isActive() && !stopped.contains(p.pod())) {
                    byArch.merge(p.arch(), 1, Integer::sum);
                }
            }
            starts.getOrDefault(group, Map.of()).forEach((arch, n) -> byArch.merge(arch, n, Integer::sum));
            promised.getOrDefault(group, Map.of()).forEach((arch, n) -> byArch.merge(arch, n, Integer::sum));
            int unplaced = plan.unplaced().getOrDefault(group, 0);
            int wanted = specs.get(group).clampReplicas(demanded.get(group).desired());
            FunctionSpec spec = specs.get(group);
            String reason;
            if (unplaced > 0 && byName.values().stream().noneMatch(n -> takesNewPods.contains(n.getMetadata().getName())
                    && spec.architectures().contains(PodFacts.arch(n).orElseThrow()))) {
                reason = String.format(Locale.ROOT, "placed %d of %d: no %s node takes new pods now (each is cordoned, not ready, or tainted)",
                        wanted - unplaced, wanted, architectures(spec));
            } else if (unplaced > 0 && !fitsAnEmptyNode(spec, byName.values())) {
                reason = tooLargeForAnyNode(spec, wanted, unplaced, functions.containsKey(key(group)));
            } else {
                reason = reason(group, wanted, byArch, unplaced, specs, demanded, plan, cappedFrom);
            }
            allocations.put(group, new Allocation(wanted, byArch, unplaced, reason));
        });

        // why the rest waits: worked out once per function (its pods share one template), said for each pod
        Map<String, String> pendingWhy = new TreeMap<>();
        waiting.forEach((group, left) -> {
            if (!left.isEmpty()) {
                String why = why(left.get(0), requestsOf.get(left.get(0).getMetadata().getUid()), nodes, free, allocations.get(group));
                left.forEach(pod -> pendingWhy.put(pod.getMetadata().getUid(), why));
            }
        });
        return new Result(allocations, binds, pendingWhy, deleteFirst);
    }

    /**
     * The pods of a Deployment's earlier templates while a newer one has pods: the Deployment
     * controller removes them as the new ones become ready. The current template is the one whose
     * pods wait to be placed (only the ReplicaSet a rollout grows makes pods), else the one of the
     * latest pod: creation times have whole seconds, and a rollout begun in the second the last
     * rollout's pods were made tied with them (FunctionOperatorIT saw it). A rollback makes new pods
     * of an old template, which is then current again.
     */
    private static Set<String> outdated(Collection<List<Pod>> groups, Map<String, String> assumed) {
        Comparator<Pod> newer = Comparator.comparing((Pod p) -> nodeOf(p, assumed) == null && p.getMetadata().getDeletionTimestamp() == null)
                .thenComparing(p -> created(p, Instant.EPOCH));
        Map<Pod, PodFacts.Revision> revisions = new HashMap<>();
        Map<String, Pod> current = new HashMap<>(); // by Deployment
        for (List<Pod> members : groups) {
            for (Pod pod : members) {
                PodFacts.revision(pod).ifPresent(r -> {
                    revisions.put(pod, r);
                    current.merge(r.deployment(), pod, (a, b) -> newer.compare(b, a) > 0 ? b : a);
                });
            }
        }
        Set<String> outdated = new HashSet<>();
        revisions.forEach((pod, r) -> {
            if (!revisions.get(current.get(r.deployment())).equals(r)) {
                outdated.add(pod.getMetadata().getUid());
            }
        });
        return outdated;
    }

    private static String tooLargeForAnyNode(FunctionSpec spec, int wanted, int unplaced, boolean function) {
        return String.format(Locale.ROOT, "placed %d of %d: a pod asks for %dm CPU and %d MiB%s, more than any %s node can hold",
                wanted - unplaced, wanted, spec.cpuMillis(), spec.memoryMiB(), function ? " (its queue-proxy included)" : "", architectures(spec));
    }

    private static String architectures(FunctionSpec spec) {
        return String.join(" or ", spec.architectures().stream().map(Arch::label).toList());
    }

    /** Whether one pod of the function fits on some node of its architectures that holds nothing else. */
    private static boolean fitsAnEmptyNode(FunctionSpec spec, Collection<Node> nodes) {
        return nodes.stream().anyMatch(n -> PodFacts.arch(n).filter(spec.architectures()::contains).isPresent()
                && allocatable(n, "cpu", true) >= spec.cpuMillis() && allocatable(n, "memory", false) >= spec.memoryMiB());
    }

    /** A pod for this scheduler, unless scheduling gates still hold it back (as kube-scheduler waits for them). */
    private boolean ours(Pod pod) {
        boolean gated = pod.getSpec().getSchedulingGates() != null && !pod.getSpec().getSchedulingGates().isEmpty()
                && (pod.getSpec().getNodeName() == null || pod.getSpec().getNodeName().isEmpty());
        return schedulerName.equals(pod.getSpec().getSchedulerName()) && !gated;
    }

    private static boolean terminal(Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }

    private static String nodeOf(Pod pod, Map<String, String> assumed) {
        String node = pod.getSpec().getNodeName();
        return node != null && !node.isEmpty() ? node : assumed.get(pod.getMetadata().getUid());
    }

    /** The policy's name for a pod's function: {@code <namespace>/<function>}, or its owner's or its own name. */
    /** Binds the first waiting pod that may run on {@code node} and fits its free room; whether one was bound. */
    private static boolean bindOne(List<Pod> candidates, Node node, Map<String, long[]> free, Map<String, int[]> requestsOf, List<Bind> binds) {
        String name = node.getMetadata().getName();
        long[] room = free.get(name);
        for (int i = 0; i < candidates.size(); i++) {
            Pod pod = candidates.get(i);
            int[] requests = requestsOf.get(pod.getMetadata().getUid());
            if (room[0] >= requests[0] && room[1] >= requests[1] && room[2] >= 1 && PodFacts.allowedOn(pod, node)) {
                room[0] -= requests[0];
                room[1] -= requests[1];
                room[2]--;
                candidates.remove(i);
                binds.add(new Bind(pod.getMetadata().getNamespace(), pod.getMetadata().getName(), pod.getMetadata().getUid(), name));
                return true;
            }
        }
        return false;
    }

    static String group(Pod pod) {
        String ns = pod.getMetadata().getNamespace();
        Map<String, String> labels = pod.getMetadata().getLabels();
        if (labels != null && labels.containsKey(FUNCTION_LABEL)) {
            return ns + "/" + labels.get(FUNCTION_LABEL);
        }
        // named with its kind, which no Function's name can hold: a bare pod or ReplicaSet named as a
        // Function of its namespace once joined that Function's group (found by an outside probe)
        List<OwnerReference> owners = pod.getMetadata().getOwnerReferences();
        return ns + "/" + (owners == null || owners.isEmpty() ? "Pod " + pod.getMetadata().getName()
                : owners.get(0).getKind() + " " + owners.get(0).getName());
    }

    private static String annotation(Pod pod, String key) {
        Map<String, String> annotations = pod.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(key);
    }

    private static FunctionKey key(String group) {
        int slash = group.indexOf('/');
        return new FunctionKey(group.substring(0, slash), group.substring(slash + 1));
    }

    private static FunctionSpec specFromPods(String group, List<Pod> pods) {
        Set<Arch> archs = PodFacts.architectures(pods.get(0));
        String weight = annotation(pods.get(0), WEIGHT_ANNOTATION);
        double w;
        try {
            w = weight == null ? 1 : Double.parseDouble(weight);
        } catch (NumberFormatException e) {
            w = 1;
        }
        // as a Function's, at most the CRD's maximum: "Infinity" once stopped every round, for every pod
        w = w > 0 ? Math.min(w, WeightCaps.NONE_BELOW) : 1;
        FunctionSpec base = FunctionSpec.withDefaults(group, 0);
        return new FunctionSpec(group, 0, base.cpuMillis(), base.memoryMiB(), archs.isEmpty() ? base.architectures() : archs,
                base.sloP99Ms(), w, 0, 0, base.initialScale(), base.scaleToZeroAfter());
    }

    static boolean markedToDeleteFirst(Pod pod) {
        return DELETE_FIRST.equals(annotation(pod, DELETION_COST));
    }

    /**
     * A pod marked to be removed first is on its way out as much as one being deleted: it holds its
     * room but counts for its function no more. Counted, the allocation went back up in the round
     * after the stop, often before the Deployment had shrunk, and the stop was lost (MuSchedulerIT).
     */
    private static PodPhase phase(Pod pod, Set<String> stopping) {
        if (pod.getMetadata().getDeletionTimestamp() != null || markedToDeleteFirst(pod) || stopping.contains(pod.getMetadata().getUid())) {
            return PodPhase.TERMINATING;
        }
        boolean ready = pod.getStatus() != null && pod.getStatus().getConditions() != null && pod.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
        return ready ? PodPhase.READY : PodPhase.STARTING;
    }

    private static Instant created(Pod pod, Instant fallback) {
        Instant at = PodFacts.created(pod);
        return at == null ? fallback : at;
    }

    /**
     * The pods the node takes in all (kubelet's max-pods, 110 by default), or no limit when it says
     * none: until 2026-12-06 placement counted CPU and memory only, and an outside probe saw 130 pods
     * without requests bound to a node that takes 110.
     */
    static long podSlots(Node node) {
        Quantity q = node.getStatus() == null || node.getStatus().getAllocatable() == null ? null : node.getStatus().getAllocatable().get("pods");
        return q == null ? Long.MAX_VALUE : PodFacts.atMost(q.getNumericalAmount().setScale(0, RoundingMode.FLOOR), Long.MAX_VALUE);
    }

    static long allocatable(Node node, String resource, boolean millis) {
        Quantity q = node.getStatus() == null || node.getStatus().getAllocatable() == null ? null : node.getStatus().getAllocatable().get(resource);
        if (q == null) {
            return 0;
        }
        BigDecimal amount = q.getNumericalAmount();
        return PodFacts.atMost(millis ? amount.movePointRight(3).setScale(0, RoundingMode.FLOOR) : amount.divide(MIB, 0, RoundingMode.FLOOR),
                Long.MAX_VALUE);
    }

    private static String reason(String group, int wanted, Map<Arch, Integer> byArch, int unplaced, Map<String, FunctionSpec> specs,
            Map<String, PlacementDemand> demanded, PlacementPlan plan, Map<String, Double> cappedFrom) {
        String split = byArch.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).reduce((a, b) -> a + ", " + b).orElse("none");
        if (unplaced == 0) {
            return "placed " + wanted + " (" + split + ")";
        }
        StringBuilder others = new StringBuilder();
        specs.forEach((other, spec) -> {
            int desired = demanded.get(other).desired();
            if (!other.equals(group) && desired > 0) {
                int d = spec.clampReplicas(desired);
                int missing = plan.unplaced().getOrDefault(other, 0);
                others.append(others.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%s %d of %d (weight %s)",
                        other, d - missing, d, trim(spec.weight())));
            }
        });
        Double declared = cappedFrom.get(group);
        String weight = trim(specs.get(group).weight()) + (declared == null ? ""
                : ", capped from " + trim(declared) + " by its namespace's " + WeightCaps.LABEL + " or the controller's mu.operator.max-weight");
        return String.format(Locale.ROOT, "placed %d of %d (%s): no room for the rest under the weighted fair share (weight %s)%s",
                wanted - unplaced, wanted, split, weight, others.length() == 0 ? "" : "; others: " + others);
    }

    private static String trim(double weight) {
        return weight == Math.rint(weight) ? Long.toString((long) weight) : Double.toString(weight);
    }

    /** Why a pod stays pending, as kube-scheduler says it ("0/4 nodes are available: ..."), plus the fair share's word. */
    private static String why(Pod pod, int[] requests, Collection<Node> nodes, Map<String, long[]> free, Allocation allocation) {
        Map<String, Integer> counts = new TreeMap<>();
        int available = 0;
        for (Node node : nodes) {
            String cause = null;
            if (!PodFacts.schedulable(node)) {
                // as kube-scheduler counts them: a cordoned node, or one not ready (its not-ready taint)
                cause = node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable()) ? "node(s) were unschedulable"
                        : PodFacts.arch(node).isEmpty() ? "node(s) had no kubernetes.io/arch label" : "node(s) were not ready";
            } else if (!PodFacts.allowedOn(pod, node)) {
                cause = PodFacts.untolerated(pod, node).map(t -> "node(s) had untolerated taint {" + t.getKey() + ": " + t.getValue() + "}")
                        .orElse("node(s) didn't match Pod's node affinity/selector");
            } else {
                long[] room = free.get(node.getMetadata().getName());
                if (room[2] < 1) {
                    cause = "Too many pods";
                } else if (room[0] < requests[0]) {
                    cause = "Insufficient cpu";
                } else if (room[1] < requests[1]) {
                    cause = "Insufficient memory";
                }
            }
            if (cause == null) {
                available++;
            } else {
                counts.merge(cause, 1, Integer::sum);
            }
        }
        StringBuilder message = new StringBuilder(available + "/" + nodes.size() + " nodes are available");
        counts.forEach((cause, n) -> message.append(message.indexOf(":") < 0 ? ": " : ", ").append(n).append(' ').append(cause));
        if (allocation.unplaced() > 0) {
            message.append(". ").append(allocation.reason());
        } else if (available > 0) {
            message.append(". placement gives its function ").append(allocation.placed()).append(" pod(s); this one waits until its Deployment is"
                    + " resized to the allocation");
        }
        return message.toString();
    }
}
