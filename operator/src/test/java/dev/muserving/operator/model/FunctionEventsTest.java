package dev.muserving.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muserving.api.v1alpha1.FunctionResourceStatus;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FunctionEventsTest {

    private static FunctionResourceStatus status(long generation, String ready, String readyReason, String scheduledReason) {
        FunctionResourceStatus status = new FunctionResourceStatus();
        status.observedGeneration = generation;
        status.conditions = List.of(
                new ConditionBuilder().withType("Ready").withStatus(ready).withReason(readyReason).withMessage("m").build(),
                new ConditionBuilder().withType("Scheduled").withStatus("Scheduled".equals(scheduledReason) ? "True" : "False")
                        .withReason(scheduledReason).withMessage("why").build());
        return status;
    }

    @Test
    void aFirstReconciliationReportsItsChildrenButNotItsFirstNotReady() {
        List<FunctionEvent> events = FunctionEvents.between(Set.of(), Set.of("Service/f", "Deployment/f-arm64", "Deployment/f-amd64"),
                null, status(1, "False", "Creating", "Pending"));
        assertThat(events).containsExactly(
                new FunctionEvent(FunctionEvent.Type.Normal, "Created", "Created Deployment/f-amd64"),
                new FunctionEvent(FunctionEvent.Type.Normal, "Created", "Created Deployment/f-arm64"),
                new FunctionEvent(FunctionEvent.Type.Normal, "Created", "Created Service/f"));
    }

    @Test
    void aDroppedArchitectureAndANewGenerationAreReportedARolloutIsNoWarning() {
        List<FunctionEvent> events = FunctionEvents.between(Set.of("Service/f", "Deployment/f-arm64", "Deployment/f-amd64"),
                Set.of("Service/f", "Deployment/f-arm64"), status(1, "True", "Ready", "Scheduled"), status(2, "False", "RollingOut", "Scheduled"));
        assertThat(events).extracting(FunctionEvent::reason).containsExactly("Deleted", "Updated");
        assertThat(events.get(1).message()).isEqualTo("Rolling out generation 2");
    }

    @Test
    void becomingReadyIsNormalStoppingToServeAndUnschedulablePodsWarnOnce() {
        assertThat(FunctionEvents.between(Set.of(), Set.of(), status(1, "False", "Creating", "Pending"), status(1, "True", "Ready", "Scheduled")))
                .containsExactly(new FunctionEvent(FunctionEvent.Type.Normal, "Ready", "m"));
        assertThat(FunctionEvents.between(Set.of(), Set.of(), status(1, "True", "Ready", "Scheduled"), status(1, "False", "Unavailable", "Scheduled")))
                .containsExactly(new FunctionEvent(FunctionEvent.Type.Warning, "NotReady", "Unavailable: m"));
        FunctionResourceStatus stuck = status(1, "False", "Creating", "Unschedulable");
        assertThat(FunctionEvents.between(Set.of(), Set.of(), status(1, "False", "Creating", "Pending"), stuck))
                .containsExactly(new FunctionEvent(FunctionEvent.Type.Warning, "Unschedulable", "why"));
        assertThat(FunctionEvents.between(Set.of(), Set.of(), stuck, stuck)).isEmpty();
    }

    @Test
    void aSpecTheOperatorCannotActOnWarnsOnceForEachNewMessage() {
        FunctionResourceStatus invalid = status(2, "False", "InvalidSpec", "Scheduled");
        assertThat(FunctionEvents.between(Set.of(), Set.of(), status(1, "True", "Ready", "Scheduled"), invalid))
                .containsExactly(new FunctionEvent(FunctionEvent.Type.Warning, "InvalidSpec", "m"));
        assertThat(FunctionEvents.between(Set.of(), Set.of(), invalid, invalid)).isEmpty();
        FunctionResourceStatus otherProblem = status(3, "False", "InvalidSpec", "Scheduled");
        otherProblem.conditions.get(0).setMessage("another");
        assertThat(FunctionEvents.between(Set.of(), Set.of(), invalid, otherProblem)).extracting(FunctionEvent::reason)
                .containsExactly("InvalidSpec");
        assertThat(FunctionEvents.between(Set.of(), Set.of(), null, status(1, "False", "ReconcileFailed", "Pending")))
                .containsExactly(new FunctionEvent(FunctionEvent.Type.Warning, "ReconcileFailed", "m"));
    }

    @Test
    void aChangeInTheWantedReplicasIsReportedWithItsReason() {
        FunctionResourceStatus two = status(1, "True", "Ready", "Scheduled");
        two.replicas = new FunctionResourceStatus.Replicas();
        two.replicas.desired = 2;
        FunctionResourceStatus five = status(1, "True", "Ready", "Scheduled");
        five.replicas = new FunctionResourceStatus.Replicas();
        five.replicas.desired = 5;
        five.lastScaleReason = "predicted 80.0 rps → 5";

        assertThat(FunctionEvents.between(Set.of(), Set.of(), two, five))
                .containsExactly(new FunctionEvent(FunctionEvent.Type.Normal, "Scaled", "Scaled from 2 to 5: predicted 80.0 rps → 5"));
        assertThat(FunctionEvents.between(Set.of(), Set.of(), five, five)).isEmpty();
    }
}
