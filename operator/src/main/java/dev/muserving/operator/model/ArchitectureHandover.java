package dev.muserving.operator.model;

import dev.muserving.api.Arch;
import dev.muserving.api.v1alpha1.FunctionNames;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * When a Function stops allowing an architecture, that architecture's Deployment keeps serving until
 * the allowed architectures have ready pods to take over, as Knative routes to the last ready revision
 * until the new one is ready. Deleted at once, its pods drained while the new architecture's pods
 * started, and every request in between waited in the activator-lb for a cold start (an outside probe
 * on the local cluster saw it). Pure: it reads the Deployments and decides nothing else.
 */
public final class ArchitectureHandover {

    private ArchitectureHandover() {}

    /**
     * The dropped architectures whose Deployments serve on: each one with ready pods, while the
     * function wants pods and its allowed architectures have fewer ready than the plan places (at least
     * one) or than the leaving Deployment has ready, whichever is less. A function that wants none, or
     * a leaving Deployment with nothing ready, hands over nothing.
     */
    public static Set<Arch> stillServing(ReplicaPlan plan, Collection<Deployment> deployments) {
        Set<Arch> serving = EnumSet.noneOf(Arch.class);
        if (plan.desired() == 0) {
            return serving;
        }
        int takingOver = deployments.stream().filter(d -> arch(d).filter(plan.architectures()::contains).isPresent())
                .mapToInt(ArchitectureHandover::ready).sum();
        for (Deployment leaving : deployments) {
            Optional<Arch> arch = arch(leaving).filter(a -> !plan.architectures().contains(a));
            int ready = ready(leaving);
            if (arch.isPresent() && leaving.getMetadata().getDeletionTimestamp() == null && ready > 0
                    && takingOver < Math.min(Math.max(plan.total(), 1), ready)) {
                serving.add(arch.get());
            }
        }
        return serving;
    }

    /** Whether {@code deployment} is one of those the plan keeps serving ({@link ReplicaPlan#handingOver}). */
    public static boolean keeps(ReplicaPlan plan, Deployment deployment) {
        return arch(deployment).filter(plan.handingOver()::contains).isPresent();
    }

    private static Optional<Arch> arch(Deployment d) {
        return Optional.ofNullable(d.getMetadata().getLabels()).map(labels -> labels.get(FunctionNames.ARCH_LABEL)).flatMap(Arch::fromLabel);
    }

    private static int ready(Deployment d) {
        return Optional.ofNullable(d.getStatus()).map(DeploymentStatus::getReadyReplicas).orElse(0);
    }
}
