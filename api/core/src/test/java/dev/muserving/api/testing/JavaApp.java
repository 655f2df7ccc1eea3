package dev.muserving.api.testing;

import static org.awaitility.Awaitility.await;

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
 * One of the project's packaged apps (a Quarkus {@code quarkus-run.jar}) as a real process of a
 * test, with system properties, a kubeconfig, and its log in a file the test can read and wait on.
 */
public final class JavaApp implements AutoCloseable {

    private static final Pattern QUARKUS_LISTENING = Pattern.compile("Listening on: http://[^:]+:(\\d+)");

    private final String name;
    private final Path log;
    private final Process process;

    private JavaApp(String name, Path log, Process process) {
        this.name = name;
        this.log = log;
        this.process = process;
    }

    /**
     * @param jar the app's jar; a clear error when it is not built
     * @param logs where {@code <name>.log} goes (an earlier one of that name is replaced)
     * @param kubeconfig the cluster it talks to, or null
     */
    public static JavaApp start(String name, Path jar, Path logs, Path kubeconfig, Map<String, String> properties) {
        return start(name, jar, logs, kubeconfig, properties, Map.of());
    }

    /** @param env environment variables beside the test's own, as the downward API gives a pod's */
    public static JavaApp start(String name, Path jar, Path logs, Path kubeconfig, Map<String, String> properties, Map<String, String> env) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " is missing: the integration tests need `mvn package` first");
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC"));
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", jar.toString()));
        try {
            Path file = Files.createDirectories(logs).resolve(name + ".log");
            Files.deleteIfExists(file);
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(file.toFile());
            if (kubeconfig != null) {
                builder.environment().put("KUBECONFIG", kubeconfig.toString());
            }
            builder.environment().putAll(env);
            return new JavaApp(name, file, builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String name() {
        return name;
    }

    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the log says {@code text}; fails with the log when the app exits first. */
    public JavaApp awaitLog(String text, Duration atMost) {
        await(name + " logging '" + text + "'").atMost(atMost).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited:\n" + log());
            }
            return log().contains(text);
        });
        return this;
    }

    /** Quarkus' HTTP port, once it listens. */
    public int quarkusHttpPort() {
        await(name + " listening").atMost(Duration.ofSeconds(60)).until(() -> QUARKUS_LISTENING.matcher(log()).find());
        Matcher m = QUARKUS_LISTENING.matcher(log());
        m.find();
        return Integer.parseInt(m.group(1));
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: no shutdown hook runs, whatever it was doing stays half done. */
    public void kill() {
        process.destroyForcibly();
        await().atMost(Duration.ofSeconds(30)).until(() -> !process.isAlive());
    }

    /** SIGTERM, as Kubernetes stops a pod; it must be gone within 20 s. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(name + " did not stop within 20 s of SIGTERM:\n" + log());
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
