package dev.muserving.operator.reconciler;

import dev.muserving.api.v1alpha1.Function;
import dev.muserving.api.v1alpha1.FunctionNames;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.CRUDKubernetesBulkDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.KubernetesBulkDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One Deployment per architecture in the replica plan (a bulk dependent): a new architecture gets
 * one, a dropped one loses its own, the others roll when the spec changes.
 */
@KubernetesDependent(informer = @Informer(labelSelector = FunctionNames.MANAGED_SELECTOR))
public class ArchDeploymentsDependent extends KubernetesDependentResource<Deployment, Function>
        implements CRUDKubernetesBulkDependentResource<Deployment, Function>,
        KubernetesBulkDependentResource<Deployment, Function>, GarbageCollected<Function> {

    public ArchDeploymentsDependent() {
        super(Deployment.class);
    }

    @Override
    public Map<ResourceID, Deployment> desiredResources(Function function, Context<Function> context) {
        ReconcileInputs inputs = ReconcileInputs.of(context);
        return inputs.plan().architectures().stream()
                .map(arch -> inputs.model().toDeployment(function, arch, inputs.plan().replicas(arch)))
                .collect(Collectors.toMap(ResourceID::fromResource, d -> d));
    }
}
