package dev.muserving.operator.it;

import dev.muserving.api.testing.JavaApp;
import dev.muserving.api.testing.KubernetesControlPlane.Cluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The packaged operator ({@code target/quarkus-app}) as a real process against the test cluster,
 * with its own scheduler (mu-placement) and short leases so a takeover is quick. Its log
 * goes to {@code target/operator-logs/<identity>.log}.
 */
final class OperatorProcess implements AutoCloseable {

    static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");

    private final JavaApp app;

    private OperatorProcess(JavaApp app) {
        this.app = app;
    }

    static OperatorProcess start(Cluster cluster, String identity, Map<String, String> properties) {
        return start(cluster.kubeconfig(), identity, properties);
    }

    /** With another identity than the cluster admin's, e.g. a service account's token. */
    static OperatorProcess start(Path kubeconfig, String identity, Map<String, String> properties) {
        return start(kubeconfig, identity, properties, Map.of());
    }

    /** @param env as a pod gets it (POD_NAME, POD_NAMESPACE from the downward API) */
    static OperatorProcess start(Path kubeconfig, String identity, Map<String, String> properties, Map<String, String> env) {
        Map<String, String> all = new LinkedHashMap<>(Map.of(
                "mu.operator.identity", identity,
                "mu.operator.leader-election.lease-duration", "4s",
                "mu.operator.leader-election.renew-deadline", "3s",
                "mu.operator.leader-election.retry-period", "1s",
                "quarkus.http.port", "0"));
        all.putAll(properties);
        return new OperatorProcess(JavaApp.start(identity, JAR, Path.of("target/operator-logs"), kubeconfig, all, env));
    }

    String identity() {
        return app.name();
    }

    String log() {
        return app.log();
    }

    /** Waits until the operator holds the lease and processes events. */
    OperatorProcess awaitLeading() {
        app.awaitLog("Started event processing for controller", Duration.ofSeconds(60));
        return this;
    }

    /** The HTTP port of /q/metrics and /q/health, once the app is up. */
    int httpPort() {
        return app.quarkusHttpPort();
    }

    boolean isAlive() {
        return app.isAlive();
    }

    /** SIGKILL: no shutdown hook, no lease release, whatever it was writing stays half done. */
    void kill() {
        app.kill();
    }

    /** SIGTERM, as Kubernetes stops a pod: the operator must exit well within a pod's grace period. */
    @Override
    public void close() {
        app.close();
    }
}
