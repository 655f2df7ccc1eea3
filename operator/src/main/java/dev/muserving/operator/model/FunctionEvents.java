package dev.muserving.operator.model;

import dev.muserving.api.v1alpha1.FunctionResourceStatus;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What one reconciliation did, as Events: children created and removed, a new generation rolling
 * out, and the conditions' turns (a function that stops serving warns; one that rolls out or scales
 * does not, its {@code Updated} event says so). Pure: it compares before with after and writes nothing.
 */
public final class FunctionEvents {

    /** The autoscaler changed how many replicas the function wants. */
    public static final String SCALED = "Scaled";
    private static final String UNSCHEDULABLE = "Unschedulable";
    /** Scheduled's reason when placement gives the function fewer pods than it wants: each new split warns. */
    public static final String CONTENTION = "Contention";
    /** Ready's reasons that say the operator could not act: each new one warns, under its own reason. */
    private static final Set<String> NOT_ACTED_ON = Set.of(FunctionStatusAggregator.INVALID_SPEC, FunctionStatusAggregator.RECONCILE_FAILED,
            FunctionStatusAggregator.NOT_OWNED);

    private FunctionEvents() {}

    /**
     * A generation the operator does not act on rolls nothing out: it gets its warning, no {@code Updated}.
     *
     * @param before the children (kind/name, e.g. {@code Deployment/resize-amd64}) that existed before the reconciliation
     * @param wanted the children the reconciliation made sure of
     */
    public static List<FunctionEvent> between(Set<String> before, Set<String> wanted,
            FunctionResourceStatus previous, FunctionResourceStatus next) {
        List<FunctionEvent> events = new ArrayList<>();
        wanted.stream().filter(child -> !before.contains(child)).sorted()
                .forEach(child -> events.add(FunctionEvent.normal("Created", "Created " + child)));
        before.stream().filter(child -> !wanted.contains(child)).sorted()
                .forEach(child -> events.add(FunctionEvent.normal("Deleted", "Deleted " + child + ": its architecture is no longer allowed")));
        Optional<Condition> wasReady = find(previous, FunctionStatusAggregator.READY);
        Optional<Condition> notActedOn = find(next, FunctionStatusAggregator.READY).filter(ready -> NOT_ACTED_ON.contains(ready.getReason()));
        Long seen = previous == null ? null : previous.observedGeneration;
        if (notActedOn.isEmpty() && seen != null && next.observedGeneration != null && next.observedGeneration > seen) {
            events.add(FunctionEvent.normal("Updated", "Rolling out generation " + next.observedGeneration));
        }
        notActedOn.filter(ready -> wasReady.map(c -> !ready.getReason().equals(c.getReason()) || !ready.getMessage().equals(c.getMessage()))
                        .orElse(true))
                .ifPresent(ready -> events.add(FunctionEvent.warning(ready.getReason(), ready.getMessage())));
        find(next, FunctionStatusAggregator.READY).filter(ready -> !sameStatus(wasReady, ready)).ifPresent(ready -> {
            if ("True".equals(ready.getStatus())) {
                events.add(FunctionEvent.normal("Ready", ready.getMessage()));
            } else if (wasReady.isPresent() && "Unavailable".equals(ready.getReason())) {
                events.add(FunctionEvent.warning("NotReady", ready.getReason() + ": " + ready.getMessage()));
            }
        });
        Integer wanted0 = previous == null || previous.replicas == null ? null : previous.replicas.desired;
        Integer wanted1 = next.replicas == null ? null : next.replicas.desired;
        if (wanted0 != null && wanted1 != null && !wanted0.equals(wanted1)) {
            events.add(FunctionEvent.normal(SCALED, "Scaled from " + wanted0 + " to " + wanted1 + ": " + next.lastScaleReason));
        }
        Optional<Condition> wasScheduled = find(previous, FunctionStatusAggregator.SCHEDULED);
        find(next, FunctionStatusAggregator.SCHEDULED)
                .filter(scheduled -> UNSCHEDULABLE.equals(scheduled.getReason()) || CONTENTION.equals(scheduled.getReason()))
                .filter(scheduled -> wasScheduled.map(c -> !scheduled.getReason().equals(c.getReason())
                        || CONTENTION.equals(c.getReason()) && !scheduled.getMessage().equals(c.getMessage())).orElse(true))
                .ifPresent(scheduled -> events.add(FunctionEvent.warning(scheduled.getReason(), scheduled.getMessage())));
        return events;
    }

    private static boolean sameStatus(Optional<Condition> before, Condition now) {
        return before.map(c -> c.getStatus().equals(now.getStatus())).orElse(false);
    }

    private static Optional<Condition> find(FunctionResourceStatus status, String type) {
        if (status == null || status.conditions == null) {
            return Optional.empty();
        }
        return status.conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
    }
}
