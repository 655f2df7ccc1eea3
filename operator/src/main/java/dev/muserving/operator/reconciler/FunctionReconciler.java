package dev.muserving.operator.reconciler;

import dev.muserving.api.Arch;
import dev.muserving.api.FunctionDuration;
import dev.muserving.api.v1alpha1.Function;
import dev.muserving.api.v1alpha1.FunctionMapping;
import dev.muserving.api.v1alpha1.FunctionNames;
import dev.muserving.api.v1alpha1.FunctionResourceStatus;
import dev.muserving.api.v1alpha1.FunctionValidation;
import dev.muserving.operator.autoscaling.FunctionAutoscaler;
import dev.muserving.operator.model.ArchitectureHandover;
import dev.muserving.operator.model.FunctionEvents;
import dev.muserving.operator.model.FunctionStatusAggregator;
import dev.muserving.operator.model.FunctionWorkloadModel;
import dev.muserving.operator.model.ReplicaPlan;
import dev.muserving.operator.model.ReplicaSource;
import dev.muserving.operator.model.Serving;
import dev.muserving.operator.placement.MuScheduler;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.AggregatedOperatorException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Reconciles a Function: asks the replica source for its plan, lets the dependents make the
 * children match the model, then aggregates the status and patches it only when it changed.
 * Deletion needs no finalizer: the children carry owner references and the garbage collector
 * removes them.
 */
@Workflow(explicitInvocation = true, dependents = {
        @Dependent(name = "service", type = FunctionServiceDependent.class),
        @Dependent(name = "deployments", type = ArchDeploymentsDependent.class)})
@ControllerConfiguration(name = FunctionReconciler.NAME)
public class FunctionReconciler implements Reconciler<Function> {

    public static final String NAME = "function";
    private static final Logger LOG = Logger.getLogger(FunctionReconciler.class);
    /** How often a Function whose child's name is taken looks again. */
    static final Duration NOT_OWNED_RECHECK = Duration.ofSeconds(10);

    private final FunctionWorkloadModel model;
    private final ReplicaSource replicas;
    private final FunctionStatusAggregator aggregator;
    private final EventRecorder events;
    private final FunctionGauges gauges;
    private final Clock clock;

    private final Serving.Source serving;

    /**
     * Placement's allocation changed for a Function (its Deployments are to follow), or what the
     * autoscaler says of it did (its count and why, its SLO verdict: its status is to say so): reconcile it.
     */
    private final SimpleInboundEventSource<Function> allocations = new SimpleInboundEventSource<>("allocations");

    public FunctionReconciler(FunctionWorkloadModel model, ReplicaSource replicas, EventRecorder events, FunctionGauges gauges, Clock clock,
            MuScheduler scheduler, FunctionAutoscaler autoscaler) {
        this.model = model;
        this.replicas = replicas;
        this.serving = autoscaler;
        scheduler.onAllocation((key, allocation) -> allocations.propagateEvent(new ResourceID(key.name(), key.namespace())));
        autoscaler.onStatusChange(key -> allocations.propagateEvent(new ResourceID(key.name(), key.namespace())));
        autoscaler.onRemoved(gauges::forget);
        this.aggregator = new FunctionStatusAggregator(model);
        this.events = events;
        this.gauges = gauges;
        this.clock = clock;
    }

    @Override
    public UpdateControl<Function> reconcile(Function function, Context<Function> context) {
        Set<String> before = children(context);
        List<FunctionValidation.Problem> problems = FunctionValidation.problems(function);
        String problemList = FunctionValidation.describe(problems);
        if (!FunctionValidation.onlyUnknownPolicies(problems)) {
            FunctionResourceStatus next = FunctionStatusAggregator.notActedOn(function, FunctionStatusAggregator.INVALID_SPEC,
                    problemList, clock.instant());
            events.record(function, FunctionEvents.between(before, before, function.getStatus(), next));
            return FunctionStatusAggregator.same(function.getStatus(), next) ? UpdateControl.noUpdate()
                    : writeStatus(function, next, context);
        }
        ReplicaPlan plan = replicas.plan(function);
        plan = plan.handingOver(ArchitectureHandover.stillServing(plan, context.getSecondaryResources(Deployment.class)));
        new ReconcileInputs(model, plan).putInto(context);
        try {
            context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow().throwAggregateExceptionIfErrorsPresent();
        } catch (AggregatedOperatorException e) {
            if (NamespaceTerminating.explains(e)) {
                LOG.debugf("%s: its namespace is being deleted, and the Function with it; nothing to reconcile", FunctionNames.key(function));
                return UpdateControl.noUpdate();
            }
            throw e;
        }

        Set<String> wanted = FunctionNames.children(function, plan.deployed());
        FunctionResourceStatus next = aggregator.aggregate(function, plan, context.getSecondaryResources(Deployment.class),
                context.getSecondaryResources(Pod.class),
                serving.serving(FunctionNames.key(function)), clock.instant());
        if (!problems.isEmpty()) {
            // the API server stores any annotation: a typo in a policy's name is told, and takes nothing off the air
            next = FunctionStatusAggregator.notReady(function, next, FunctionStatusAggregator.INVALID_SPEC, problemList
                    + "; the rest of the spec is acted on, with the policy it had before (or the default) in place of an unknown one",
                    clock.instant());
        }
        events.record(function, FunctionEvents.between(before, wanted, function.getStatus(), next));
        gauges.observe(function, next, Optional.ofNullable(function.getSpec().slo).map(slo -> slo.p99).flatMap(FunctionDuration::parse));
        if (FunctionStatusAggregator.same(function.getStatus(), next)) {
            return UpdateControl.noUpdate();
        }
        return writeStatus(function, next, context);
    }

    /**
     * Once the retries of a failing reconciliation are spent, the Function says so: {@code Ready=False}
     * with reason {@code ReconcileFailed} and the error, and a warning Event. Earlier failures stay
     * quiet, so a passing conflict does not flap the status.
     */
    @Override
    public ErrorStatusUpdateControl<Function> updateErrorStatus(Function function, Context<Function> context, Exception e) {
        Optional<String> taken = notOwned(function, context.getClient());
        if (taken.isPresent()) {
            // no retry can mend it, and the user should hear at once; looked at again until the name is free
            FunctionResourceStatus next = FunctionStatusAggregator.notActedOn(function, FunctionStatusAggregator.NOT_OWNED,
                    taken.get() + " exists and is not this Function's: Mu does not take over what it did not create; delete or rename it",
                    clock.instant());
            events.record(function, FunctionEvents.between(Set.of(), Set.of(), function.getStatus(), next));
            ErrorStatusUpdateControl<Function> control = FunctionStatusAggregator.same(function.getStatus(), next)
                    ? ErrorStatusUpdateControl.noStatusUpdate() : ErrorStatusUpdateControl.patchStatus(statusPatch(function, next));
            return control.withNoRetry().rescheduleAfter(NOT_OWNED_RECHECK);
        }
        if (context.getRetryInfo().map(retry -> !retry.isLastAttempt()).orElse(false)) {
            return ErrorStatusUpdateControl.noStatusUpdate();
        }
        FunctionResourceStatus next = FunctionStatusAggregator.notActedOn(function, FunctionStatusAggregator.RECONCILE_FAILED,
                "reconciling failed and its retries are spent (the next change to the Function retries): " + cause(e), clock.instant());
        events.record(function, FunctionEvents.between(Set.of(), Set.of(), function.getStatus(), next));
        return FunctionStatusAggregator.same(function.getStatus(), next) ? ErrorStatusUpdateControl.noStatusUpdate()
                : ErrorStatusUpdateControl.patchStatus(statusPatch(function, next));
    }

    /**
     * The first child name (Knative's {@code NotOwned}) held by an object this Function does not own:
     * the Deployment or Service was there before it, or belongs to something else. Looked up only
     * when reconciling failed, since the informers see only what the operator made.
     */
    private static Optional<String> notOwned(Function function, KubernetesClient client) {
        if (!FunctionValidation.actionable(function)) {
            return Optional.empty();
        }
        String ns = function.getMetadata().getNamespace();
        List<HasMetadata> existing = new ArrayList<>();
        try {
            for (Arch arch : FunctionMapping.resolveIgnoringUnknownPolicies(function).spec().architectures()) {
                Optional.ofNullable(client.apps().deployments().inNamespace(ns).withName(FunctionNames.deployment(function, arch)).get())
                        .ifPresent(existing::add);
            }
            Optional.ofNullable(client.services().inNamespace(ns).withName(FunctionNames.service(function)).get()).ifPresent(existing::add);
        } catch (KubernetesClientException e) {
            return Optional.empty(); // the API server cannot say: the failure is reported as it is
        }
        String uid = function.getMetadata().getUid();
        return existing.stream()
                .filter(child -> child.getMetadata().getOwnerReferences() == null
                        || child.getMetadata().getOwnerReferences().stream().noneMatch(o -> uid.equals(o.getUid())))
                .findFirst()
                .map(child -> child.getKind() + " " + ns + "/" + child.getMetadata().getName());
    }

    /** The innermost message: JOSDK wraps the client's error in an aggregate. */
    private static String cause(Throwable e) {
        Throwable inner = e;
        while (inner.getCause() != null && inner.getCause() != inner) {
            inner = inner.getCause();
        }
        String message = inner.getMessage() == null ? inner.getClass().getSimpleName() : inner.getMessage();
        return message.length() > 500 ? message.substring(0, 500) + "…" : message;
    }

    /** The function's pods, so that scheduling and readiness changes reach the status. */
    @Override
    public List<EventSource<?, Function>> prepareEventSources(EventSourceContext<Function> context) {
        InformerEventSourceConfiguration<Pod> pods = InformerEventSourceConfiguration.from(Pod.class, Function.class)
                .withName("pods")
                .withLabelSelector(FunctionNames.MANAGED_SELECTOR)
                .withSecondaryToPrimaryMapper(pod -> Set.of(new ResourceID(
                        pod.getMetadata().getLabels().get(FunctionNames.FUNCTION_LABEL), pod.getMetadata().getNamespace())))
                .build();
        return List.of(new InformerEventSource<>(pods, context), allocations);
    }

    private static Set<String> children(Context<Function> context) {
        return Stream.concat(context.getSecondaryResources(Deployment.class).stream(), context.getSecondaryResources(Service.class).stream())
                .map(FunctionNames::child).collect(Collectors.toSet());
    }

    /**
     * Writes the status here, as {@code UpdateControl.patchStatus} would, except that a Function
     * deleted meanwhile (its namespace going, say) is no error: JOSDK's own write logged a warning
     * and a stack trace for it (FunctionOperatorIT, a namespace going away).
     */
    private static UpdateControl<Function> writeStatus(Function function, FunctionResourceStatus next, Context<Function> context) {
        try {
            context.resourceOperations().serverSideApplyPrimaryStatus(statusPatch(function, next));
        } catch (KubernetesClientException e) {
            if (e.getCode() != HttpURLConnection.HTTP_NOT_FOUND) {
                throw e;
            }
            LOG.debugf("%s: gone before its status was written", FunctionNames.key(function));
        }
        return UpdateControl.noUpdate();
    }

    /** Only the status and the name: with server-side apply the operator then owns the status, nothing else. */
    private static Function statusPatch(Function function, FunctionResourceStatus status) {
        Function patch = new Function();
        patch.setMetadata(new ObjectMetaBuilder().withName(function.getMetadata().getName())
                .withNamespace(function.getMetadata().getNamespace()).build());
        patch.setStatus(status);
        return patch;
    }
}
