package dev.muserving.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.AggregatedOperatorException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NamespaceTerminatingTest {

    private static KubernetesClientException refused(int code, String cause) {
        Status status = new StatusBuilder().withCode(code).withNewDetails().addNewCause().withReason(cause).endCause().endDetails().build();
        return new KubernetesClientException(status);
    }

    private static AggregatedOperatorException workflow(Map<String, Exception> failures) {
        return new AggregatedOperatorException("Exception(s) during workflow execution", failures);
    }

    @Test
    void childrenRefusedBecauseTheNamespaceIsGoingAwayAreNoFailure() {
        assertThat(NamespaceTerminating.explains(workflow(Map.of("deployments", refused(403, NamespaceTerminating.CAUSE),
                "service", new RuntimeException("wrapped", refused(403, NamespaceTerminating.CAUSE)))))).isTrue();
    }

    /** Seen in CI: a Function of a namespace already deleted, before the informers said the Function went with it. */
    @Test
    void childrenRefusedBecauseTheNamespaceIsGoneAreNoFailureEither() {
        Status gone = new StatusBuilder().withCode(404).withReason("NotFound").withNewDetails().withKind("namespaces").withName("demo")
                .endDetails().build();
        assertThat(NamespaceTerminating.explains(workflow(Map.of("deployments", new KubernetesClientException(gone))))).isTrue();
        Status deploymentGone = new StatusBuilder().withCode(404).withReason("NotFound").withNewDetails().withKind("deployments")
                .endDetails().build();
        assertThat(NamespaceTerminating.explains(workflow(Map.of("deployments", new KubernetesClientException(deploymentGone))))).isFalse();
    }

    @Test
    void anyOtherFailureBesideItIsOne() {
        assertThat(NamespaceTerminating.explains(workflow(Map.of("deployments", refused(403, NamespaceTerminating.CAUSE),
                "service", refused(409, "FieldManagerConflict"))))).isFalse();
        assertThat(NamespaceTerminating.explains(refused(403, "Forbidden"))).isFalse();
        assertThat(NamespaceTerminating.explains(new KubernetesClientException("no status"))).isFalse();
        assertThat(NamespaceTerminating.explains(workflow(Map.of()))).isFalse();
    }
}
