package dev.muserving.operator.reconciler;

import dev.muserving.api.v1alpha1.Function;
import dev.muserving.api.v1alpha1.FunctionNames;
import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** The Service in front of every pod of a function. */
@KubernetesDependent(informer = @Informer(labelSelector = FunctionNames.MANAGED_SELECTOR))
public class FunctionServiceDependent extends CRUDKubernetesDependentResource<Service, Function> {

    public FunctionServiceDependent() {
        super(Service.class);
    }

    @Override
    protected Service desired(Function function, Context<Function> context) {
        return ReconcileInputs.of(context).model().toService(function);
    }
}
