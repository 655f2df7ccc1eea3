package dev.muserving.operator.app;

import dev.muserving.api.InstanceName;
import dev.muserving.operator.autoscaling.FunctionAutoscaler;
import dev.muserving.operator.model.FunctionWorkloadModel;
import dev.muserving.operator.model.OperatorSettings;
import dev.muserving.operator.model.ReplicaSource;
import dev.muserving.operator.placement.MuScheduler;
import dev.muserving.operator.placement.PlacedReplicas;
import dev.muserving.operator.reconciler.EventRecorder;
import dev.muserving.operator.reconciler.FunctionGauges;
import dev.muserving.placement.policy.PlacementPolicies;
import dev.muserving.placement.policy.PlacementPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.Optional;
import java.util.random.RandomGeneratorFactory;
import org.jboss.logging.Logger;

/** Wires the pure model classes to the operator's config. */
public class OperatorBeans {

    private static final Logger LOG = Logger.getLogger(OperatorBeans.class);

    @Produces
    @Singleton
    FunctionWorkloadModel model(OperatorConfig config) {
        return new FunctionWorkloadModel(new OperatorSettings(config.schedulerName(), config.queueProxyImage(), config.domain(), config.urlPort()));
    }

    /**
     * The scheduler of pods with {@code schedulerName: mu-placement}; it starts when this instance
     * leads, and places what the autoscaler decides.
     */
    @Produces
    @Singleton
    MuScheduler scheduler(KubernetesClient client, OperatorConfig config, Clock clock, Identity identity, FunctionAutoscaler autoscaler) {
        PlacementPolicy policy = PlacementPolicies.byName(config.placement()).orElseThrow(() -> SettingsCheck.refused(
                "mu.operator.placement must be one of " + PlacementPolicies.names() + ", got '" + config.placement() + "'"))
                .create(RandomGeneratorFactory.of("L64X128MixRandom").create(1));
        SettingsCheck.maxWeight(config.maxWeight());
        return new MuScheduler(client, policy, autoscaler::placementDemand, clock, identity.name(), config.maxWeight());
    }

    /**
     * The autoscaler sees the Functions and their pods through the scheduler's informers, and has it
     * place again when a count changes. (The scheduler is looked up when first used: each needs the other.)
     */
    @Produces
    @Singleton
    FunctionAutoscaler autoscaler(OperatorConfig config, Provider<MuScheduler> scheduler) {
        try {
            FunctionAutoscaler.factory(config.autoscaler());
        } catch (IllegalArgumentException e) {
            throw SettingsCheck.refused("mu.operator.autoscaler: " + e.getMessage());
        }
        return new FunctionAutoscaler(config.autoscaler(), () -> scheduler.get().functions(), key -> scheduler.get().replicas(key),
                () -> scheduler.get().reschedule(), LOG::info);
    }

    /** Placement's allocation per architecture of what the autoscaler wants sizes the Deployments. */
    @Produces
    @Singleton
    ReplicaSource replicas(MuScheduler scheduler, FunctionAutoscaler autoscaler) {
        return new PlacedReplicas(scheduler, autoscaler);
    }

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    @Produces
    @Singleton
    FunctionGauges gauges(MeterRegistry registry) {
        return new FunctionGauges(registry);
    }

    @Produces
    @Singleton
    EventRecorder events(KubernetesClient client, Clock clock, Identity identity) {
        return new EventRecorder(client, clock, identity.name());
    }

    /** Two instances share one lease; only its holder starts the controllers (the other one waits). */
    @Produces
    @Singleton
    LeaderElectionConfiguration leaderElection(OperatorConfig config, Identity identity, KubernetesClient client, LeaseLoss leaseLoss,
            MuScheduler scheduler, AutoscalerRunner autoscaler, MetricStreamEndpoint stream) {
        OperatorConfig.LeaderElection lease = config.leaderElection();
        SettingsCheck.leaderElection(lease.leaseDuration(), lease.renewDeadline(), lease.retryPeriod());
        SettingsCheck.autoscalerTick(config.autoscalerTick());
        LeaderLabel leaderLabel = new LeaderLabel(client, System.getenv());
        String namespace = lease.leaseNamespace().or(() -> Optional.ofNullable(client.getNamespace())).orElse("default");
        return new LeaderElectionConfiguration(lease.leaseName(), namespace,
                lease.leaseDuration(), lease.renewDeadline(), lease.retryPeriod(), identity.name(),
                new LeaderCallbacks(() -> {
                    scheduler.start();
                    autoscaler.start();
                    leaderLabel.mark();
                }, () -> {
                    scheduler.close(); // at once: a new leader may be binding already
                    autoscaler.stop();
                    stream.closeAll();
                    leaseLoss.onStopLeading();
                }, leader -> { }), false);
    }

    /** This instance's name in the lease and on its Events: the same in both, worked out once. */
    record Identity(String name) {}

    /**
     * The pod name in a cluster (a restarted container keeps it, so it takes its lease back at
     * once); outside one, host name and process id, so two local instances never share a name.
     */
    @Produces
    @Singleton
    Identity identity(OperatorConfig config) {
        return new Identity(config.identity().orElseGet(() -> InstanceName.of(System.getenv(), "mu-operator")));
    }
}
