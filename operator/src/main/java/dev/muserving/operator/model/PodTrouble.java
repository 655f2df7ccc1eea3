package dev.muserving.operator.model;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Why a function's pods do not serve, as kubelet reports it on their containers: an image it cannot
 * pull, a container that keeps crashing. {@code kubectl get fn} said only "0 of 1 replicas
 * available"; the reason was on the pod.
 */
final class PodTrouble {

    /** Waiting reasons after which a container will not start by itself soon. */
    private static final Set<String> STUCK = Set.of("ErrImagePull", "ImagePullBackOff", "InvalidImageName", "CrashLoopBackOff",
            "CreateContainerConfigError", "CreateContainerError", "RunContainerError");

    private PodTrouble() {}

    /** The first stuck container of these pods, e.g. {@code pod resize-amd64-x, container function: ErrImagePull: ...}. */
    static Optional<String> first(Collection<Pod> pods) {
        for (Pod pod : pods) {
            List<ContainerStatus> containers = pod.getStatus() == null ? null : pod.getStatus().getContainerStatuses();
            for (ContainerStatus container : containers == null ? List.<ContainerStatus>of() : containers) {
                if (container.getState() == null || container.getState().getWaiting() == null) {
                    continue;
                }
                String reason = container.getState().getWaiting().getReason();
                if (reason != null && STUCK.contains(reason)) {
                    String message = container.getState().getWaiting().getMessage();
                    return Optional.of("pod " + pod.getMetadata().getName() + ", container " + container.getName() + ": " + reason
                            + (message == null || message.isBlank() ? "" : ": " + message));
                }
            }
        }
        return Optional.empty();
    }
}
