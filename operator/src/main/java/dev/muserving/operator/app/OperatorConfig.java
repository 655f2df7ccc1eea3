package dev.muserving.operator.app;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The operator's settings, {@code mu.operator.*} (system properties, {@code MU_OPERATOR_*}
 * environment variables or application.properties); docs/operator.md lists them.
 */
@ConfigMapping(prefix = "mu.operator")
public interface OperatorConfig {

    /** Who binds the functions' pods: Mu's placement, or {@code default-scheduler} without it. */
    @WithDefault("mu-placement")
    String schedulerName();

    @WithDefault("ghcr.io/muserving/queue-proxy:0.1.0")
    String queueProxyImage();

    /** Functions answer at {@code <function>.<namespace>.<domain>}. */
    @WithDefault("example.com")
    String domain();

    /** The activator-lb's port, when it is not 80: {@code status.url} then carries it. */
    OptionalInt urlPort();

    /**
     * The placement policy the {@code mu-placement} scheduler runs: {@code mu} (Mu's fair,
     * heterogeneity-aware placement) or {@code knative} (kube-scheduler's default scoring).
     */
    @WithDefault("mu")
    String placement();

    /**
     * The most weight a Function or pod may claim under placement's fair share in a namespace
     * without the label {@code placement.muserving.dev/max-weight} (which admins set per namespace).
     * The default, the CRD's maximum, caps nothing.
     */
    @WithDefault("1000")
    double maxWeight();

    /**
     * The autoscaling policy of Functions without the {@code autoscaling.muserving.dev/class}
     * annotation: {@code mu} (Mu's predictive SLO autoscaler) or {@code knative} (the KPA).
     */
    @WithDefault("mu")
    String autoscaler();

    /** How often the autoscaler decides for every Function (Knative's tick is 2 s). */
    @WithDefault("2s")
    Duration autoscalerTick();

    /** This instance's name in the lease and on Events; the pod name in a cluster. Default: host name and process id. */
    Optional<String> identity();

    LeaderElection leaderElection();

    interface LeaderElection {

        @WithDefault("mu-operator")
        String leaseName();

        /** Default: the namespace of the operator's service account or kubeconfig context, else {@code default}. */
        Optional<String> leaseNamespace();

        /** How long a silent leader keeps the lease: a crashed leader's successor waits this long. */
        @WithDefault("15s")
        Duration leaseDuration();

        @WithDefault("10s")
        Duration renewDeadline();

        @WithDefault("2s")
        Duration retryPeriod();
    }
}
