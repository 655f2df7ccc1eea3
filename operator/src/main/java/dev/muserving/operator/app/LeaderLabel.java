package dev.muserving.operator.app;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Marks the leading controller's own pod {@value #LABEL}{@code =true}, so that the Service of the
 * metric stream (which selects on it) sends every activator-lb replica to the leader, the only
 * instance that autoscales. In a cluster only ({@code POD_NAME} and {@code POD_NAMESPACE} from the
 * downward API); a leader that stops leading exits, and its pod with it.
 */
final class LeaderLabel {

    static final String LABEL = "muserving.dev/leader";
    private static final Logger LOG = Logger.getLogger(LeaderLabel.class);

    private final KubernetesClient client;
    private final String pod;
    private final String namespace;

    LeaderLabel(KubernetesClient client, Map<String, String> env) {
        this.client = client;
        this.pod = env.get("POD_NAME");
        this.namespace = env.get("POD_NAMESPACE");
    }

    void mark() {
        if (pod == null || pod.isBlank() || namespace == null || namespace.isBlank()) {
            return; // not in a pod: nothing routes by the label
        }
        try {
            client.pods().inNamespace(namespace).withName(pod)
                    .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"labels\":{\"" + LABEL + "\":\"true\"}}}");
            LOG.infof("leading: pod %s/%s labelled %s=true, the metric stream's Service now selects it", namespace, pod, LABEL);
        } catch (KubernetesClientException e) {
            LOG.warnf("leading, but could not label pod %s/%s %s=true (the activator-lbs will not find this leader's metric stream): %s",
                    namespace, pod, LABEL, e.getMessage());
        }
    }
}
