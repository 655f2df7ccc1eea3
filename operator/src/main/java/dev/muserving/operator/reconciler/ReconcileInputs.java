package dev.muserving.operator.reconciler;

import dev.muserving.api.v1alpha1.Function;
import dev.muserving.operator.model.FunctionWorkloadModel;
import dev.muserving.operator.model.ReplicaPlan;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.util.Optional;

/**
 * What the reconciler hands its dependents for one reconciliation: the model and the replica plan,
 * so a dependent's {@code desired()} is one call into the model and the plan is computed once.
 */
record ReconcileInputs(FunctionWorkloadModel model, ReplicaPlan plan) {

    private static final String KEY = ReconcileInputs.class.getName();

    void putInto(Context<Function> context) {
        context.managedWorkflowAndDependentResourceContext().put(KEY, this);
    }

    static ReconcileInputs of(Context<Function> context) {
        return context.managedWorkflowAndDependentResourceContext().getMandatory(KEY, ReconcileInputs.class);
    }

    /** Empty outside a reconciliation (a cleanup, say). */
    static Optional<ReconcileInputs> find(Context<Function> context) {
        return context.managedWorkflowAndDependentResourceContext().get(KEY, ReconcileInputs.class);
    }
}
