package dev.muserving.operator.reconciler;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.StatusDetails;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.AggregatedOperatorException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Whether a write failed only because the Function's namespace is being deleted: the API server
 * then refuses new objects ({@code 403}, cause {@code NamespaceTerminating}; {@code 404} for the
 * namespace once it is gone), children and Events,
 * while the namespace controller deletes the Function itself. Nothing is wrong and no retry can
 * help, yet each reconciliation logged a warning with a stack trace (45 for a namespace of 30 Functions).
 */
final class NamespaceTerminating {

    static final String CAUSE = "NamespaceTerminating";

    private NamespaceTerminating() {}

    static boolean explains(Exception failure) {
        Collection<Exception> failures = failure instanceof AggregatedOperatorException aggregated
                ? aggregated.getAggregatedExceptions().values() : List.of(failure);
        return !failures.isEmpty() && failures.stream().allMatch(NamespaceTerminating::refusedForIt);
    }

    private static boolean refusedForIt(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof KubernetesClientException client && (terminating(client.getStatus()) || gone(client.getStatus()))) {
                return true;
            }
        }
        return false;
    }

    private static boolean terminating(Status status) {
        return Optional.ofNullable(status).map(Status::getDetails).map(StatusDetails::getCauses).orElse(List.of()).stream()
                .map(StatusCause::getReason).anyMatch(CAUSE::equals);
    }

    /** The namespace already deleted, before the informers said the Function went with it (seen in CI). */
    private static boolean gone(Status status) {
        return status != null && Integer.valueOf(404).equals(status.getCode()) && status.getDetails() != null
                && "namespaces".equals(status.getDetails().getKind());
    }
}
