package dev.muserving.operator.app;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.jboss.logging.Logger;

/**
 * A leader stopped on purpose (a rollout, {@code helm upgrade}, a drained node) hands its lease
 * over as it goes, as client-go's {@code ReleaseOnCancel} does: the holder is cleared and the lease
 * made to last a second. JOSDK's election never releases it, so every controller rollout left no
 * leader for the lease's duration (15 s by default): no scheduling, no autoscaling, and a scale
 * from zero that took 22 s instead of 2 (found by an outside probe). A leader that dies without
 * its shutdown still holds the lease until it expires.
 */
@Singleton
public class LeaseRelease {

    /** After QOSDK's own shutdown observer (3123), which stops the operator and its election: nothing renews the lease after this. */
    static final int AFTER_THE_OPERATOR = 3200;
    private static final Logger LOG = Logger.getLogger(LeaseRelease.class);

    /** The operator's client is closed by the time the election has stopped: the release gets a client of its own. */
    private final Config clientConfig;
    private final LeaderElectionConfiguration election;
    private final Clock clock;

    LeaseRelease(KubernetesClient client, LeaderElectionConfiguration election, Clock clock) {
        this.clientConfig = client.getConfiguration();
        this.election = election;
        this.clock = clock;
    }

    void onShutdown(@Observes @Priority(AFTER_THE_OPERATOR) ShutdownEvent event) {
        String namespace = election.getLeaseNamespace().orElse("default");
        String identity = election.getIdentity().orElse(null);
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(clientConfig).build()) {
            Lease lease = client.leases().inNamespace(namespace).withName(election.getLeaseName()).get();
            if (lease == null || lease.getSpec() == null || identity == null || !identity.equals(lease.getSpec().getHolderIdentity())) {
                return; // not the leader
            }
            ZonedDateTime now = ZonedDateTime.now(clock.withZone(ZoneOffset.UTC));
            lease.getSpec().setHolderIdentity(null);
            lease.getSpec().setLeaseDurationSeconds(1);
            lease.getSpec().setAcquireTime(now);
            lease.getSpec().setRenewTime(now);
            client.resource(lease).update(); // refused if another instance wrote it since: then it is not ours to give
            LOG.infof("%s: handed the leader lease %s/%s over", identity, namespace, election.getLeaseName());
        } catch (KubernetesClientException e) {
            LOG.infof("%s: could not hand the leader lease over (%s); it expires in its own time", identity, e.getMessage());
        }
    }
}
