package dev.muserving.operator.reconciler;

import dev.muserving.api.v1alpha1.Function;
import dev.muserving.api.v1alpha1.FunctionNames;
import dev.muserving.operator.model.ArchitectureHandover;
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
 * one, the others roll when the spec changes, and a dropped one loses its own once the allowed ones
 * have taken over ({@code ReplicaPlan.handingOver}): until then it is left as it is, neither deleted
 * nor rewritten to a template its architecture no longer has.
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

    @Override
    public void deleteTargetResource(Function function, Deployment deployment, ResourceID id, Context<Function> context) {
        boolean handingOver = function.getMetadata().getDeletionTimestamp() == null
                && ReconcileInputs.find(context).filter(inputs -> ArchitectureHandover.keeps(inputs.plan(), deployment)).isPresent();
        if (!handingOver) {
            super.deleteTargetResource(function, deployment, id, context);
        }
    }
}
