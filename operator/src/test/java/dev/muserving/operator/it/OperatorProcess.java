package dev.muserving.operator.it;

import static org.awaitility.Awaitility.await;

import dev.muserving.api.testing.KubernetesControlPlane.Cluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged operator ({@code target/quarkus-app}) as a real process against the test cluster,
 * with its own scheduler (mu-placement) and short leases so a takeover is quick. Its log
 * goes to {@code target/operator-logs/<identity>.log}.
 */
final class OperatorProcess implements AutoCloseable {

    static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
    private static final Pattern LISTENING = Pattern.compile("Listening on: http://[^:]+:(\\d+)");

    private final String identity;
    private final Path log;
    private final Process process;

    private OperatorProcess(String identity, Path log, Process process) {
        this.identity = identity;
        this.log = log;
        this.process = process;
    }

    static OperatorProcess start(Cluster cluster, String identity, Map<String, String> properties) {
        return start(cluster.kubeconfig(), identity, properties);
    }

    /** With another identity than the cluster admin's, e.g. a service account's token. */
    static OperatorProcess start(Path kubeconfig, String identity, Map<String, String> properties) {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR.toAbsolutePath() + " is missing: the integration tests need `mvn package` first");
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC",
                "-Dmu.operator.identity=" + identity,
                "-Dmu.operator.leader-election.lease-duration=4s",
                "-Dmu.operator.leader-election.renew-deadline=3s",
                "-Dmu.operator.leader-election.retry-period=1s",
                "-Dquarkus.http.port=0"));
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", JAR.toString()));
        try {
            Path log = Files.createDirectories(Path.of("target/operator-logs")).resolve(identity + ".log");
            Files.deleteIfExists(log);
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().put("KUBECONFIG", kubeconfig.toString());
            return new OperatorProcess(identity, log, builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String identity() {
        return identity;
    }

    String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the operator holds the lease and processes events. */
    OperatorProcess awaitLeading() {
        await("operator " + identity + " leading").atMost(Duration.ofSeconds(60))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("operator " + identity + " exited:\n" + log());
                    }
                    return log().contains("Started event processing for controller");
                });
        return this;
    }

    /** The HTTP port of /q/metrics and /q/health, once the app is up. */
    int httpPort() {
        await("operator " + identity + " listening").atMost(Duration.ofSeconds(60)).until(() -> LISTENING.matcher(log()).find());
        Matcher m = LISTENING.matcher(log());
        m.find();
        return Integer.parseInt(m.group(1));
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: no shutdown hook, no lease release, whatever it was writing stays half done. */
    void kill() {
        process.destroyForcibly();
        await().atMost(Duration.ofSeconds(30)).until(() -> !process.isAlive());
    }

    /** SIGTERM, as Kubernetes stops a pod: the operator must exit well within a pod's grace period. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("operator " + identity + " did not stop within 20 s of SIGTERM:\n" + log());
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
