package dev.muserving.placement.policy;

import dev.muserving.api.Arch;
import dev.muserving.api.ClusterSnapshot;
import dev.muserving.api.FunctionDemand;
import dev.muserving.api.FunctionSpec;
import dev.muserving.api.PodPhase;
import dev.muserving.api.PodPlacement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Mu's placement: shares scarce, mixed nodes fairly and packs them tightly.
 *
 * <ul>
 *   <li><b>Effective capacity.</b> A function's desired replicas are counted in pods of its fastest
 *       measured architecture; a pod on another architecture counts for its measured service rate over
 *       the fastest one's (a half-speed ARM pod is half a pod). So the placer prefers fewer fast pods,
 *       and adds more slow ones where fast room runs out or is wanted by functions that can run
 *       nowhere else.
 *   <li><b>Weighted max-min fairness.</b> Pods are handed out one at a time to the function with the
 *       lowest satisfaction (effective allocation over desired) per unit of weight (progressive
 *       filling), so under contention every function gets the same share of what it asked for, a
 *       heavier function a larger one. Filling runs twice: first up to the pods that keep up with
 *       each function's load, then up to the SLO's headroom, so that a stable queue for everyone comes
 *       before anyone's margin. A function far short of keeping up (under three quarters of its keep-up
 *       pods) that fits nowhere may take a pod from one above its own keep-up share, or from one that
 *       stays clearly better served (by {@link #FAIR_SHARE_GAP} of its keep-up share) afterwards;
 *       nobody loses a running pod for another's headroom, since each preemption costs a cold start
 *       (on generated scenarios that churn cost more than it gave, docs/policies.md).
 *   <li><b>Best fit</b> on the pod's dominant resource, to limit fragmentation.
 *   <li><b>Scale-down</b> removes pods not yet ready first, then (for a function that may run
 *       anywhere) those on an architecture a confined function is short of, then the slowest, then
 *       those on the emptiest nodes, which frees whole nodes' worth of usable room.
 * </ul>
 * Measured rates are remembered, so an architecture keeps its value while it has no pod.
 */
public final class MuPlacement implements PlacementPolicy {

    /** A function with no pod takes one only from a function still this much more satisfied afterwards. */
    static final double PREEMPTION_GAP = 0.2;
    /**
     * A function far short of keeping up takes a pod from a donor that cannot keep up without it only
     * while the donor stays this much more satisfied (of its own keep-up share) afterwards; one that
     * holds nothing also has the rule of {@link #PREEMPTION_GAP}. Without it, whoever held the room
     * under overload kept it while a bursty function waited behind a standing backlog (webhook-4 of
     * family1-038: 1 pod of the 24 it needed to keep up, for the whole run). 0.2 to 0.5 were measured
     * on family seeds 1 and 4 (docs/policies.md, "Preemption"): smaller gaps drop fewer requests for
     * more pod starts.
     */
    static final double FAIR_SHARE_GAP = 0.3;
    /**
     * A function with no pod counts, in that rule, as at most this satisfied once it has its pod. One
     * that wants a single pod would otherwise count as fully satisfied with it, so that only a donor
     * still fully satisfied after giving could give it one: under overload none is, and such a
     * function starved for the whole run (rare-7 of family2-061 had 10 requests and never a pod).
     */
    static final double STARVING_AFTER_CAP = 0.5;
    /** At most this many preemptions per plan: each one costs a cold start. */
    static final int MAX_PREEMPTIONS = 2;
    /**
     * A function that holds pods preempts only while it has less than this share of the pods that
     * keep up with its load. A smaller shortfall is not worth a cold start: near their keep-up shares,
     * functions took pods from each other back and forth as their loads moved (on family seed 4, 38 %
     * of Mu's pod starts were preemptions, a webhook from another webhook 1,050 times). With it, pod
     * starts fell by about a fifth, and dropped requests and pod-seconds a little, on the tuning and the
     * report seeds alike (docs/policies.md, "Preemption").
     */
    static final double PREEMPT_BELOW_KEEP_UP_SHARE = 0.75;
    /**
     * A function that holds nothing and needs more room than any one pod frees may stop up to this
     * many pods on one node for its pod; otherwise a large function in a cluster full of small pods
     * never ran again once its first pod had gone (an ML function of family1-010 went 600 s without one).
     * Eight, not the four of before: a 1.5-core pod among quarter-core ones needs six. In family6-027
     * an amd64-only ML function whose unused initial pod had gone to a webhook's burst at start got
     * no pod for 170 s while its requests waited, though the webhooks held twice their keep-up shares
     * (satisfaction 0.29, Knative's 1.00; 0.997 with eight).
     */
    static final int MAX_VICTIMS_FOR_ONE_POD = 8;

    private final Map<String, Map<Arch, Double>> knownRates = new HashMap<>();
    /**
     * Room freed by preemption, by the stopped pod's name: it goes to the function it was taken
     * for once that pod is gone, before anyone else fills. Without it the next plan handed the room
     * to whichever function came first at equal satisfaction, often the one just preempted, and the
     * starving function preempted again, plan after plan.
     */
    private final List<Reservation> reservations = new ArrayList<>();

    /** Room on {@code node} that {@code function} gets once the pods stopped for it are gone. */
    private record Reservation(String function, String node, Set<String> stoppedPods) {}

    @Override
    public PlacementPlan plan(ClusterSnapshot cluster, List<FunctionDemand> demands, Instant now) {
        Map<String, FunctionSpec> specs = new LinkedHashMap<>();
        demands.forEach(d -> specs.put(d.function().name(), d.function()));
        knownRates.keySet().retainAll(specs.keySet());
        NodePool pool = new NodePool(cluster.nodes(), cluster.allocatedByNode(specs));
        Map<String, Share> shares = new LinkedHashMap<>();
        for (FunctionDemand demand : demands) {
            shares.put(demand.function().name(), new Share(demand, values(demand)));
        }
        for (PodPlacement pod : cluster.pods()) {
            Share share = shares.get(pod.function());
            if (share != null && pod.isActive()) {
                share.add(pod);
            }
        }
        List<String> stops = new ArrayList<>();
        boolean[] wantedByConfined = wantedByConfined(shares.values(), pool);
        for (Share share : shares.values()) {
            shrink(share, pool, stops, wantedByConfined);
        }
        List<PlacementPlan.PodStart> starts = new ArrayList<>();
        claimReservations(cluster, shares, pool, starts);
        grow(shares, pool, starts, stops);
        Map<String, Integer> unplaced = new HashMap<>();
        for (Share share : shares.values()) {
            int missing = share.missingPods();
            if (missing > 0) {
                unplaced.put(share.name(), missing);
            }
        }
        List<PlacementPlan.PodStart> promised = reservations.stream()
                .map(r -> new PlacementPlan.PodStart(r.function(), r.node())).toList();
        return new PlacementPlan(starts, stops, unplaced, promised);
    }

    /**
     * Places a pod of each function that preempted, on the node it freed, once the stopped pods are
     * gone; until then the node's free room, up to that pod's size, is kept for it, so that what the
     * first of several stopped pods frees is not taken by another function before the last one goes.
     * A reservation lasts while its function still wants more.
     */
    private void claimReservations(ClusterSnapshot cluster, Map<String, Share> shares, NodePool pool,
            List<PlacementPlan.PodStart> starts) {
        if (reservations.isEmpty()) {
            return;
        }
        Set<String> present = new HashSet<>();
        cluster.pods().forEach(p -> present.add(p.pod()));
        for (Iterator<Reservation> it = reservations.iterator(); it.hasNext(); ) {
            Reservation reservation = it.next();
            Share share = shares.get(reservation.function());
            if (share == null || share.allocated >= share.required - 1e-9) {
                it.remove();
                continue;
            }
            int node = pool.indexOf(reservation.node());
            long cpu = share.spec.cpuMillis();
            long mem = share.spec.memoryMiB();
            if (reservation.stoppedPods().stream().anyMatch(present::contains)) {
                share.promised += share.bestValue(); // still draining: counted, so that it preempts no more for it
                share.podsComing++;
                if (node >= 0) {
                    pool.take(node, Math.min(cpu, pool.freeCpu[node]), Math.min(mem, pool.freeMem[node]));
                }
                continue;
            }
            it.remove();
            if (node >= 0 && pool.freeCpu[node] >= cpu && pool.freeMem[node] >= mem) {
                pool.take(node, cpu, mem);
                share.allocated += share.value(pool.nodes.get(node).arch());
                share.podsComing++;
                starts.add(new PlacementPlan.PodStart(share.name(), pool.nodes.get(node).name()));
            }
        }
    }

    /** Each architecture's pod value relative to the fastest measured one; 1 when nothing is known. */
    private Map<Arch, Double> values(FunctionDemand demand) {
        Map<Arch, Double> rates = knownRates.computeIfAbsent(demand.function().name(), f -> new EnumMap<>(Arch.class));
        rates.putAll(demand.serviceRatePerPod());
        // only the architectures it may run on now: a rate remembered from one it dropped made every
        // pod it has left count as slow, and so as a fraction of a pod
        rates.keySet().retainAll(demand.function().architectures());
        double fastest = rates.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
        Map<Arch, Double> values = new EnumMap<>(Arch.class);
        for (Arch arch : demand.function().architectures()) {
            Double rate = rates.get(arch);
            values.put(arch, fastest <= 0 || rate == null ? 1.0 : rate / fastest);
        }
        return values;
    }

    /**
     * The architectures whose free CPU is less than what the functions that can run nowhere else
     * still want there (each share's target is still its desired replicas here).
     */
    private static boolean[] wantedByConfined(Iterable<Share> shares, NodePool pool) {
        long[] wants = new long[Arch.values().length];
        shares.forEach(share -> addConfinedWant(wants, share, 1));
        boolean[] wanted = new boolean[wants.length];
        for (Arch arch : Arch.values()) {
            wanted[arch.ordinal()] = wants[arch.ordinal()] > pool.freeCpu(arch);
        }
        return wanted;
    }

    /**
     * Removes surplus pods while the function keeps at least what it wants: a function that may run
     * anywhere first gives up its pods on an architecture that a confined function is short of.
     */
    private static void shrink(Share share, NodePool pool, List<String> stops, boolean[] wantedByConfined) {
        boolean flexible = share.flexible();
        share.pods.sort(Comparator
                .comparing((PodPlacement p) -> p.phase() == PodPhase.READY)
                .thenComparing((PodPlacement p) -> !(flexible && wantedByConfined[p.arch().ordinal()]))
                .thenComparingDouble(p -> share.value(p.arch()))
                .thenComparingDouble((PodPlacement p) -> {
                    int node = pool.indexOf(p.node());
                    return node < 0 ? 0 : -(pool.freeCpu[node] + pool.freeMem[node] / 4.0);
                })
                .thenComparing(PodPlacement::pod));
        while (!share.pods.isEmpty()) {
            PodPlacement victim = share.pods.get(0);
            boolean overMax = share.spec.maxScale() > 0 && share.pods.size() > share.spec.maxScale();
            if (!overMax && share.allocated - share.value(victim.arch()) < share.desired - 1e-9) {
                return;
            }
            share.remove(victim);
            stops.add(victim.pod());
        }
    }

    /**
     * Progressive filling, twice: first every function up to the pods that keep up with its load,
     * then up to what meets its SLO; each time one pod at a time to the least satisfied function per
     * unit of weight. Keeping every queue stable comes before anyone's headroom.
     */
    private void grow(Map<String, Share> shares, NodePool pool, List<PlacementPlan.PodStart> starts, List<String> stops) {
        for (Phase phase : Phase.values()) {
            shares.values().forEach(s -> s.target = phase == Phase.KEEP_UP ? s.required : s.desired);
            PriorityQueue<Share> hungry = new PriorityQueue<>(Comparator
                    .comparingDouble(Share::weightedSatisfaction).thenComparing(Share::name));
            shares.values().stream().filter(Share::wantsMore).forEach(hungry::add);
            List<Share> blocked = new ArrayList<>();
            long[] confinedWants = new long[Arch.values().length];
            shares.values().forEach(share -> addConfinedWant(confinedWants, share, 1));
            while (!hungry.isEmpty()) {
                Share share = hungry.poll();
                addConfinedWant(confinedWants, share, -1);
                int node = place(share, pool, confinedWants);
                addConfinedWant(confinedWants, share, 1);
                if (node < 0) {
                    blocked.add(share);
                    continue;
                }
                starts.add(new PlacementPlan.PodStart(share.name(), pool.nodes.get(node).name()));
                if (share.wantsMore()) {
                    hungry.add(share);
                }
            }
            if (phase == Phase.KEEP_UP) {
                preempt(blocked, shares, pool, stops);
            }
        }
    }

    private enum Phase { KEEP_UP, MEET_SLO }

    /**
     * Binds one pod of the function to the best node of its most valuable architecture with spare
     * room. A function that may run on several architectures first goes where it leaves room for the
     * functions confined to that architecture (their unmet wants), even a slower one, and there takes
     * the most valuable; when none has such room, the most valuable, then where the least is missing.
     * Taking the fastest or the first one regardless would fill it and starve the functions that can
     * run only there while another architecture idles.
     */
    private static int place(Share share, NodePool pool, long[] confinedWants) {
        FunctionSpec fn = share.spec;
        boolean cpuDominant = fn.cpuMillis() / 1000.0 >= fn.memoryMiB() / 2048.0;
        boolean flexible = share.flexible();
        int best = -1;
        double bestValue = 0;
        boolean bestSpare = false;
        long bestSlack = Long.MIN_VALUE;
        for (Arch arch : fn.architectures()) {
            if (!pool.hasNodes(arch)) {
                continue;
            }
            int node = pool.bestFit(arch, fn.cpuMillis(), fn.memoryMiB(), cpuDominant);
            if (node < 0) {
                continue;
            }
            double value = share.value(arch);
            long slack = pool.freeCpu(arch) - (flexible ? confinedWants[arch.ordinal()] : 0);
            boolean spare = slack >= fn.cpuMillis();
            boolean tie = Math.abs(value - bestValue) <= 1e-9;
            boolean better = best < 0 || spare && !bestSpare
                    || spare == bestSpare && (value > bestValue + 1e-9 || tie && !spare && slack > bestSlack);
            if (better) {
                best = node;
                bestValue = value;
                bestSpare = spare;
                bestSlack = slack;
            }
        }
        if (best >= 0) {
            pool.take(best, fn.cpuMillis(), fn.memoryMiB());
            share.allocated += bestValue;
            share.podsComing++;
        }
        return best;
    }

    /**
     * Adds (sign 1) or removes (-1) the CPU a function able to run only on one architecture still
     * wants in this phase to that architecture's total: kept up to date pod by pod rather than
     * summed over every function for every pod (which made a 50,000-pod plan 17x slower).
     */
    private static void addConfinedWant(long[] confinedWants, Share share, int sign) {
        if (!share.flexible() && share.wantsMore()) {
            long want = (long) Math.ceil(share.target - share.allocated - share.promised - 1e-9) * share.spec.cpuMillis();
            confinedWants[share.spec.architectures().iterator().next().ordinal()] += sign * want;
        }
    }

    /**
     * For functions that cannot keep up and found no room, stops a pod of another function
     * ({@link #victimFor}); the blocked pod is placed once that pod has drained.
     */
    private void preempt(List<Share> blocked, Map<String, Share> shares, NodePool pool, List<String> stops) {
        blocked.sort(Comparator.comparingDouble(Share::weightedSatisfaction).thenComparing(Share::name));
        int preempted = 0;
        for (Share starving : blocked) {
            while (preempted < MAX_PREEMPTIONS && starving.wantsMore() && starving.farShortOfKeepingUp()) {
                PodPlacement victim = victimFor(starving, shares, pool);
                List<PodPlacement> victims = victim != null ? List.of(victim) : victimsOnOneNodeFor(starving, shares, pool);
                if (victims.isEmpty()) {
                    break;
                }
                Set<String> stopped = new HashSet<>();
                for (PodPlacement pod : victims) {
                    shares.get(pod.function()).remove(pod);
                    stops.add(pod.pod());
                    stopped.add(pod.pod());
                }
                reservations.add(new Reservation(starving.name(), victims.get(0).node(), stopped));
                starving.promised += starving.bestValue();
                starving.podsComing++;
                preempted++;
            }
        }
    }

    /**
     * A pod whose stopping helps the starving function, on a node where the starving pod then fits,
     * from the donor that stays the most satisfied: one that {@link #mayGive} it. Evening out keep-up
     * shares within the gaps moved pods back and forth for little gain (docs/policies.md). A donor
     * owed pods itself gives none: two starving functions would otherwise take running pods from
     * each other in turn.
     */
    private static PodPlacement victimFor(Share starving, Map<String, Share> shares, NodePool pool) {
        double starvingAfter = starving.weightedSatisfactionWith(starving.bestValue());
        PodPlacement best = null;
        double bestDonorAfter = Double.NEGATIVE_INFINITY;
        for (Share donor : shares.values()) {
            if (donor == starving || donor.promised > 0) {
                continue;
            }
            for (PodPlacement pod : donor.pods) {
                double value = donor.value(pod.arch());
                double donorAfter = donor.weightedSatisfactionWith(-value);
                if (!mayGive(donor, value, starving, starvingAfter) || donorAfter <= bestDonorAfter || !starving.spec.runsOn(pod.arch())) {
                    continue;
                }
                int node = pool.indexOf(pod.node());
                if (node >= 0 && pool.freeCpu[node] + donor.spec.cpuMillis() >= starving.spec.cpuMillis()
                        && pool.freeMem[node] + donor.spec.memoryMiB() >= starving.spec.memoryMiB()) {
                    best = pod;
                    bestDonorAfter = donorAfter;
                }
            }
        }
        return best;
    }

    /**
     * Whether {@code donor} may give up {@code giving} of its allocation to {@code starving}: it still
     * keeps up without it and stays at least as satisfied as the starving one will be
     * ({@code starvingAfter}); or it stays ahead of the starving one by {@link #FAIR_SHARE_GAP}; or the
     * starving function holds nothing at all and the donor stays ahead of it by
     * {@link #PREEMPTION_GAP}, counting the starving one at most {@link #STARVING_AFTER_CAP} satisfied.
     */
    private static boolean mayGive(Share donor, double giving, Share starving, double starvingAfter) {
        double donorAfter = donor.weightedSatisfactionWith(-giving);
        boolean keepsUp = donor.allocated - giving >= donor.required - 1e-9 && donorAfter >= starvingAfter;
        boolean fairer = donorAfter >= starvingAfter + FAIR_SHARE_GAP;
        boolean starvesOtherwise = starving.holdsNothing()
                && donorAfter >= Math.min(starvingAfter, STARVING_AFTER_CAP) + PREEMPTION_GAP;
        return keepsUp || fairer || starvesOtherwise;
    }

    /**
     * For a function that holds nothing and for which no single pod frees enough room: the fewest
     * pods on one node, at most {@link #MAX_VICTIMS_FOR_ONE_POD}, whose stopping makes room for one of
     * its pods, each from a donor that {@link #mayGive} it, counting what the same donor already
     * gives on that node. Empty when no node has such a set.
     */
    private static List<PodPlacement> victimsOnOneNodeFor(Share starving, Map<String, Share> shares, NodePool pool) {
        if (!starving.holdsNothing()) {
            return List.of();
        }
        double starvingAfter = starving.weightedSatisfactionWith(starving.bestValue());
        Map<Integer, List<PodPlacement>> byNode = new HashMap<>();
        for (Share donor : shares.values()) {
            if (donor == starving || donor.promised > 0) {
                continue;
            }
            for (PodPlacement pod : donor.pods) {
                int node = pool.indexOf(pod.node());
                if (node >= 0 && starving.spec.runsOn(pod.arch())) {
                    byNode.computeIfAbsent(node, n -> new ArrayList<>()).add(pod);
                }
            }
        }
        List<PodPlacement> best = List.of();
        for (Map.Entry<Integer, List<PodPlacement>> entry : byNode.entrySet()) {
            int node = entry.getKey();
            List<PodPlacement> candidates = entry.getValue();
            // the most satisfied donors give first
            candidates.sort(Comparator.comparingDouble((PodPlacement p) -> {
                Share donor = shares.get(p.function());
                return -donor.weightedSatisfactionWith(-donor.value(p.arch()));
            }).thenComparing(PodPlacement::pod));
            long freeCpu = pool.freeCpu[node];
            long freeMem = pool.freeMem[node];
            Map<Share, Double> given = new HashMap<>();
            List<PodPlacement> chosen = new ArrayList<>();
            for (PodPlacement pod : candidates) {
                if (freeCpu >= starving.spec.cpuMillis() && freeMem >= starving.spec.memoryMiB()
                        || chosen.size() == MAX_VICTIMS_FOR_ONE_POD) {
                    break;
                }
                Share donor = shares.get(pod.function());
                double giving = given.getOrDefault(donor, 0.0) + donor.value(pod.arch());
                if (mayGive(donor, giving, starving, starvingAfter)) {
                    given.put(donor, giving);
                    chosen.add(pod);
                    freeCpu += donor.spec.cpuMillis();
                    freeMem += donor.spec.memoryMiB();
                }
            }
            boolean fits = freeCpu >= starving.spec.cpuMillis() && freeMem >= starving.spec.memoryMiB();
            if (fits && (best.isEmpty() || chosen.size() < best.size())) {
                best = chosen;
            }
        }
        return best;
    }

    /** One function's allocation during a plan. */
    private static final class Share {
        final FunctionSpec spec;
        final double desired;
        final double required;
        final Map<Arch, Double> values;
        /** What this phase of filling aims at: required, then desired. */
        double target;
        final List<PodPlacement> pods = new ArrayList<>();
        double allocated;
        double promised;
        /** Pods started or promised in this plan, beside {@link #pods}: with them, never more than the Function's max. */
        int podsComing;

        Share(FunctionDemand demand, Map<Arch, Double> values) {
            this.spec = demand.function();
            this.desired = demand.desiredReplicas();
            this.required = demand.requiredReplicas();
            this.target = desired;
            this.values = values;
        }

        String name() {
            return spec.name();
        }

        /** Whether the function may run on more than one architecture. */
        boolean flexible() {
            return spec.architectures().size() > 1;
        }

        double value(Arch arch) {
            return values.getOrDefault(arch, 1.0);
        }

        double bestValue() {
            return values.values().stream().mapToDouble(Double::doubleValue).max().orElse(1.0);
        }

        void add(PodPlacement pod) {
            pods.add(pod);
            allocated += value(pod.arch());
        }

        void remove(PodPlacement pod) {
            pods.remove(pod);
            allocated -= value(pod.arch());
        }

        boolean wantsMore() {
            // target and allocation are in pods of the fastest architecture, so slower pods make more of them; max caps the pods
            boolean underMax = spec.maxScale() == 0 || pods.size() + podsComing < spec.maxScale();
            return underMax && allocated + promised < target - 1e-9;
        }

        double weightedSatisfaction() {
            return weightedSatisfactionWith(0);
        }

        /** Allocation over the current target, per unit of weight. */
        double weightedSatisfactionWith(double extra) {
            double satisfaction = target == 0 ? 1 : Math.min(1, (allocated + promised + extra) / target);
            return satisfaction / spec.weight();
        }

        boolean holdsNothing() {
            return allocated + promised < 1e-9;
        }

        /**
         * Holds less than {@link #PREEMPT_BELOW_KEEP_UP_SHARE} of its keep-up pods: worth a preemption. A
         * function that cannot keep up wants at least one pod, so one that holds nothing always is.
         */
        boolean farShortOfKeepingUp() {
            return allocated + promised < PREEMPT_BELOW_KEEP_UP_SHARE * required - 1e-9;
        }

        /** Pods still wanted, in pods of the fastest architecture. */
        int missingPods() {
            return (int) Math.ceil(Math.max(0, desired - allocated - promised) - 1e-9);
        }
    }
}
