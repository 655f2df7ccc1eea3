package dev.muserving.operator.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.muserving.api.Arch;
import dev.muserving.api.v1alpha1.Function;
import dev.muserving.api.v1alpha1.FunctionMapping;
import dev.muserving.api.v1alpha1.FunctionNames;
import dev.muserving.api.v1alpha1.FunctionResourceStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Builds a Function's status from what its children say (Keycloak's status aggregator): the
 * {@code Ready}, {@code Scheduled} and {@code SLOMet} conditions, replica counts, measured service
 * rates, the URL, {@code observedGeneration}.
 * Pure, time is a parameter; a condition keeps its {@code lastTransitionTime} while its status holds,
 * so an unchanged world gives an equal status and the reconciler patches nothing.
 */
public final class FunctionStatusAggregator {

    public static final String READY = "Ready";
    public static final String SCHEDULED = "Scheduled";
    /** Whether the p99 latency over the recent window is within {@code spec.slo.p99}; only for a Function with an SLO. */
    public static final String SLO_MET = "SLOMet";
    /**
     * Ready's reason when the spec holds something the operator cannot act on ({@code FunctionValidation}):
     * all of it, or only an unknown policy, in whose place a default serves.
     */
    public static final String INVALID_SPEC = "InvalidSpec";
    /** Ready's reason when reconciling failed and the retries are spent. */
    public static final String RECONCILE_FAILED = "ReconcileFailed";
    /** Ready's reason when a child's name is held by an object the Function does not own (Knative's word). */
    public static final String NOT_OWNED = "NotOwned";

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Ready's reasons that are only pods on their way: the same template, more or fewer of them. */
    private static final Set<String> STARTING_PODS = Set.of("Scaling", "Unavailable");
    private static final String CREATING = "Creating";

    private final FunctionWorkloadModel model;

    public FunctionStatusAggregator(FunctionWorkloadModel model) {
        this.model = model;
    }

    /** The status before any traffic was measured. */
    public FunctionResourceStatus aggregate(Function function, ReplicaPlan plan, Collection<Deployment> deployments,
            Collection<Pod> pods, Instant now) {
        return aggregate(function, plan, deployments, pods, Serving.UNMEASURED, now);
    }

    public FunctionResourceStatus aggregate(Function function, ReplicaPlan plan, Collection<Deployment> deployments,
            Collection<Pod> pods, Serving serving, Instant now) {
        Map<String, Deployment> byName = new LinkedHashMap<>();
        deployments.forEach(d -> byName.put(d.getMetadata().getName(), d));
        List<Pod> live = pods.stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
        long generation = Optional.ofNullable(function.getMetadata().getGeneration()).orElse(0L);
        FunctionResourceStatus previous = Optional.ofNullable(function.getStatus()).orElseGet(FunctionResourceStatus::new);

        FunctionResourceStatus status = new FunctionResourceStatus();
        status.observedGeneration = generation;
        status.url = model.url(function);
        status.selector = FunctionNames.FUNCTION_LABEL + "=" + function.getMetadata().getName();
        status.lastScaleReason = plan.reason();
        status.replicas = new FunctionResourceStatus.Replicas();
        status.replicas.desired = plan.desired();
        status.replicas.allocated = (int) live.stream().filter(p -> p.getSpec().getNodeName() != null).count();
        status.replicas.ready = 0;
        status.byArchitecture = new LinkedHashMap<>();
        for (Arch arch : plan.architectures()) {
            Deployment d = byName.get(FunctionNames.deployment(function, arch));
            int ready = d == null ? 0 : count(d.getStatus(), DeploymentStatus::getReadyReplicas);
            FunctionResourceStatus.ArchitectureStatus archStatus = new FunctionResourceStatus.ArchitectureStatus();
            archStatus.desired = plan.replicas(arch);
            archStatus.allocated = (int) live.stream().filter(p -> p.getSpec().getNodeName() != null && p.getMetadata().getLabels() != null
                    && arch.label().equals(p.getMetadata().getLabels().get(FunctionNames.ARCH_LABEL))).count();
            archStatus.ready = ready;
            Double rate = serving.serviceRates().get(arch);
            archStatus.serviceRate = rate == null ? null : Math.round(rate * 10) / 10.0;
            status.byArchitecture.put(arch.label(), archStatus);
            status.replicas.ready += ready;
        }
        List<Condition> conditions = new ArrayList<>(List.of(
                condition(previous, READY, readiness(function, plan, byName, live, previous, generation), generation, now),
                condition(previous, SCHEDULED, plan.total() < plan.desired()
                        ? new Verdict(false, "Contention", plan.reason()) : scheduling(live, plan.total()), generation, now)));
        if (function.getSpec().slo != null) {
            double sloMs = FunctionMapping.resolveIgnoringUnknownPolicies(function).spec().sloP99Ms();
            conditions.add(condition(previous, SLO_MET, slo(sloMs, serving), generation, now));
        }
        status.conditions = List.copyOf(conditions);
        return status;
    }

    /**
     * The status of a Function the operator does not act on this time: the last status kept (its
     * children are left as they are, so the pods that served go on serving), {@code Ready=False}
     * with the reason and message, the generation seen.
     */
    public static FunctionResourceStatus notActedOn(Function function, String reason, String message, Instant now) {
        FunctionResourceStatus previous = Optional.ofNullable(function.getStatus()).orElseGet(FunctionResourceStatus::new);
        FunctionResourceStatus status = JSON.convertValue(previous, FunctionResourceStatus.class);
        status.observedGeneration = Optional.ofNullable(function.getMetadata().getGeneration()).orElse(0L);
        return notReady(function, status, reason, message, now);
    }

    /**
     * {@code status} with {@code Ready=False} for the reason and message, the rest as it is: for a
     * Function acted on in part, as one with an unknown policy is, a default in its place.
     */
    public static FunctionResourceStatus notReady(Function function, FunctionResourceStatus status, String reason, String message,
            Instant now) {
        long generation = Optional.ofNullable(function.getMetadata().getGeneration()).orElse(0L);
        FunctionResourceStatus previous = Optional.ofNullable(function.getStatus()).orElseGet(FunctionResourceStatus::new);
        List<Condition> conditions = new ArrayList<>(Optional.ofNullable(status.conditions).orElse(List.of()).stream()
                .filter(c -> !READY.equals(c.getType())).toList());
        conditions.add(0, condition(previous, READY, new Verdict(false, reason, message), generation, now));
        status.conditions = conditions;
        return status;
    }

    /** Whether two statuses say the same, field by field (the status classes have no equals). */
    public static boolean same(FunctionResourceStatus a, FunctionResourceStatus b) {
        return Objects.equals(JSON.valueToTree(a), JSON.valueToTree(b));
    }

    /** One condition's verdict before it is stamped with times and generation; {@code ok} null is Unknown. */
    record Verdict(Boolean ok, String reason, String message) {}

    private static Verdict slo(double sloMs, Serving serving) {
        if (serving.requests() == 0) {
            return new Verdict(null, "NoTraffic", "no request answered in the last " + serving.window().toSeconds() + " s");
        }
        String measured = String.format(Locale.ROOT, "p99 %.0f ms %s SLO %.0f ms over the last %d s (%,d requests)", serving.p99Ms(),
                serving.p99Ms() <= sloMs ? "≤" : ">", sloMs, serving.window().toSeconds(), serving.requests());
        return serving.p99Ms() <= sloMs ? new Verdict(true, "WithinSLO", measured) : new Verdict(false, "SLOMissed", measured);
    }

    /**
     * Not Ready until its pods of this generation have served once; after that, only a new
     * generation, a missing Deployment or a pod that fails takes it away. The Deployments' template
     * follows from the Function's generation alone, so at the same generation every other gap is the
     * function scaling: a new {@code spec.replicas} that the deployment controller has not seen yet,
     * pods not ready yet. Ready went False on every scale-up, from zero too, which made
     * {@code kubectl wait} and alerts on it flap, where Knative keeps a revision Ready while it scales.
     */
    private static Verdict readiness(Function function, ReplicaPlan plan, Map<String, Deployment> byName, List<Pod> pods,
            FunctionResourceStatus previous, long generation) {
        Verdict verdict = rollout(function, plan, byName);
        Optional<String> failing = PodTrouble.first(pods);
        if (failing.isPresent() && !verdict.ok()) {
            return new Verdict(false, STARTING_PODS.contains(verdict.reason()) ? "Unavailable" : verdict.reason(),
                    verdict.message() + "; " + failing.get());
        }
        boolean servedThisGeneration = Optional.ofNullable(previous.conditions).orElse(List.of()).stream()
                .anyMatch(c -> READY.equals(c.getType()) && "True".equals(c.getStatus()) && Long.valueOf(generation).equals(c.getObservedGeneration()));
        if (!verdict.ok() && !CREATING.equals(verdict.reason()) && servedThisGeneration) {
            return new Verdict(true, "Ready", readyCount(byName) + " of " + plan.desired() + " replicas are ready; "
                    + verdict.message());
        }
        return verdict;
    }

    private static int readyCount(Map<String, Deployment> byName) {
        return byName.values().stream().mapToInt(d -> count(d.getStatus(), DeploymentStatus::getAvailableReplicas)).sum();
    }

    private static Verdict rollout(Function function, ReplicaPlan plan, Map<String, Deployment> byName) {
        List<Verdict> gaps = new ArrayList<>();
        for (Arch arch : plan.architectures()) {
            String name = FunctionNames.deployment(function, arch);
            Deployment d = byName.get(name);
            if (d == null) {
                return new Verdict(false, CREATING, "Deployment " + name + " is not created yet");
            }
            rolloutGap(d, plan.replicas(arch)).ifPresent(gaps::add);
        }
        List<String> leftovers = byName.keySet().stream()
                .filter(name -> plan.architectures().stream().noneMatch(a -> FunctionNames.deployment(function, a).equals(name)))
                .toList();
        List<String> handingOver = plan.handingOver().stream().map(arch -> FunctionNames.deployment(function, arch))
                .filter(leftovers::contains).sorted().toList();
        if (!handingOver.isEmpty()) {
            String allowed = String.join(", ", plan.architectures().stream().map(Arch::label).toList());
            return new Verdict(false, "RemovingArchitecture", "Deployment " + String.join(", ", handingOver)
                    + " serves until " + allowed + " has ready pods to take over");
        }
        if (!leftovers.isEmpty()) {
            return new Verdict(false, "RemovingArchitecture", "Deployment " + String.join(", ", leftovers) + " is being removed");
        }
        if (!gaps.isEmpty()) {
            // the reason of the first gap; every gap in the message
            return new Verdict(false, gaps.get(0).reason(), String.join("; ", gaps.stream().map(Verdict::message).toList()));
        }
        if (plan.desired() == 0) {
            return new Verdict(true, "ScaledToZero", "no replicas wanted; requests wait in the activator for the first pod");
        }
        if (plan.total() == 0) {
            // wanted but placed nowhere: unlike scale to zero, no pod is coming until others give room
            return new Verdict(false, FunctionEvents.CONTENTION, "0 of " + plan.desired()
                    + " replicas placed: the cluster has room for none (see Scheduled); requests wait in the activator until it has");
        }
        return new Verdict(true, "Ready", plan.total() + " of " + plan.desired() + " replicas are ready"
                + (plan.total() < plan.desired() ? " (the cluster has room for no more: see Scheduled)" : ""));
    }

    /**
     * What a Deployment still lacks before it runs {@code wanted} up-to-date, available pods:
     * {@code Scaling} or {@code RollingOut} while a change is on its way, {@code Unavailable} when
     * the pods of the current template are there but not serving (they crash, or fail readiness).
     */
    private static Optional<Verdict> rolloutGap(Deployment d, int wanted) {
        String name = d.getMetadata().getName();
        Integer specReplicas = d.getSpec().getReplicas();
        if (specReplicas == null || specReplicas != wanted) {
            return Optional.of(new Verdict(false, "Scaling", name + ": scaling to " + wanted + " replicas"));
        }
        DeploymentStatus s = d.getStatus();
        long observed = s == null || s.getObservedGeneration() == null ? 0 : s.getObservedGeneration();
        if (observed < Optional.ofNullable(d.getMetadata().getGeneration()).orElse(0L)) {
            return Optional.of(new Verdict(false, "RollingOut", name + ": the deployment controller has not seen the change yet"));
        }
        int updated = count(s, DeploymentStatus::getUpdatedReplicas);
        int available = count(s, DeploymentStatus::getAvailableReplicas);
        int total = count(s, DeploymentStatus::getReplicas);
        if (updated < wanted || total > wanted) {
            return Optional.of(new Verdict(false, "RollingOut", name + ": " + updated + " of " + wanted + " replicas updated"
                    + (total > wanted ? ", " + (total - wanted) + " old replica(s) still running" : "")));
        }
        if (available < wanted) {
            return Optional.of(new Verdict(false, "Unavailable", name + ": " + available + " of " + wanted + " replicas available"));
        }
        return Optional.empty();
    }

    private static Verdict scheduling(List<Pod> pods, int wanted) {
        List<Pod> unschedulable = pods.stream().filter(p -> podScheduled(p).map(c -> "False".equals(c.getStatus())).orElse(false)).toList();
        if (!unschedulable.isEmpty()) {
            Pod first = unschedulable.get(0);
            String why = podScheduled(first).map(PodCondition::getMessage).orElse("");
            return new Verdict(false, "Unschedulable", unschedulable.size() + " pod(s) cannot be placed; "
                    + first.getMetadata().getName() + ": " + why);
        }
        long placed = pods.stream().filter(p -> p.getSpec().getNodeName() != null).count();
        if (placed < Math.max(wanted, pods.size())) {
            String waitingFor = pods.stream().filter(p -> p.getSpec().getNodeName() == null).findFirst()
                    .map(p -> "wait for scheduler " + p.getSpec().getSchedulerName())
                    .orElse("wait for the Deployment to create them");
            return new Verdict(false, "Pending", placed + " of " + Math.max(wanted, pods.size()) + " pod(s) on nodes; the others " + waitingFor);
        }
        return new Verdict(true, "Scheduled", placed + " pod(s) on nodes");
    }

    private static Optional<PodCondition> podScheduled(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return pod.getStatus().getConditions().stream().filter(c -> "PodScheduled".equals(c.getType())).findFirst();
    }

    private static Condition condition(FunctionResourceStatus previous, String type, Verdict verdict, long generation, Instant now) {
        String status = verdict.ok() == null ? "Unknown" : verdict.ok() ? "True" : "False";
        Optional<Condition> before = Optional.ofNullable(previous.conditions).orElse(List.of()).stream()
                .filter(c -> type.equals(c.getType())).findFirst();
        String since = before.filter(c -> status.equals(c.getStatus())).map(Condition::getLastTransitionTime)
                .orElseGet(() -> DateTimeFormatter.ISO_INSTANT.format(now.truncatedTo(ChronoUnit.SECONDS)));
        return new ConditionBuilder().withType(type).withStatus(status).withReason(verdict.reason())
                .withMessage(verdict.message()).withObservedGeneration(generation).withLastTransitionTime(since).build();
    }

    private static int count(DeploymentStatus status, java.util.function.Function<DeploymentStatus, Integer> field) {
        return status == null ? 0 : Objects.requireNonNullElse(field.apply(status), 0);
    }
}
