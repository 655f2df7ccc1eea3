package dev.muserving.api.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.opentest4j.TestAbortedException;

/**
 * A real Kubernetes control plane for tests (DESIGN.md, testing layer 4), started once per test run
 * and stopped when the JVM exits:
 * <ol>
 *   <li>the cluster of {@code MU_TEST_KUBECONFIG}, when it is set (any cluster, k3s included);
 *   <li>otherwise {@code deploy/testenv/testenv.sh up}, when its binaries are built (`./test.sh` builds
 *       them; docs/development.md);
 *   <li>otherwise the test is skipped, with a one-line reason that says how to get one.
 * </ol>
 * Tests receive a {@link Cluster} parameter, in {@code @BeforeAll} methods too. Without a cluster the
 * whole class is disabled by an execution condition before any of its methods runs: a skip thrown
 * from a parameter resolver would reach JUnit as a {@code ParameterResolutionException}, an error.
 * Docker-based k3s (Testcontainers) is not tried: no machine of this project has a Docker engine.
 */
public final class KubernetesControlPlane implements ExecutionCondition, ParameterResolver {

    /** What a test gets: a kubeconfig and the kubectl that matches the server. */
    public record Cluster(Path kubeconfig, String kubectl, boolean local) {

        /** Runs kubectl against the cluster; its standard output, or an assertion error with its output. */
        public String kubectl(String... args) {
            Outcome outcome = tryKubectl(args);
            if (outcome.exitCode() != 0) {
                throw new AssertionError("kubectl " + String.join(" ", args) + " failed (" + outcome.exitCode() + "):\n" + outcome.output());
            }
            return outcome.output();
        }

        /** Runs kubectl and returns how it ended, failure included (for what must be refused). */
        public Outcome tryKubectl(String... args) {
            List<String> command = new ArrayList<>(List.of(kubectl, "--kubeconfig", kubeconfig.toString()));
            command.addAll(List.of(args));
            return execute(command, 120);
        }
    }

    /** A command's exit code and its output (standard output and error together). */
    public record Outcome(int exitCode, String output) {}

    private static final String VARIABLE = "MU_TEST_KUBECONFIG";
    private static Cluster cluster;
    private static String unavailable;

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Cluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return cluster();
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return available() ? ConditionEvaluationResult.enabled("a Kubernetes control plane is up")
                : ConditionEvaluationResult.disabled(unavailable);
    }

    private static synchronized boolean available() {
        if (cluster == null && unavailable == null) {
            try {
                cluster = start();
            } catch (TestAbortedException e) {
                unavailable = e.getMessage();
                System.err.println("Kubernetes tests skipped: " + unavailable);
            }
        }
        return cluster != null;
    }

    static synchronized Cluster cluster() {
        if (!available()) {
            throw new TestAbortedException(unavailable);
        }
        return cluster;
    }

    private static Cluster start() {
        String given = System.getenv(VARIABLE);
        if (given != null && !given.isBlank()) {
            return new Cluster(Path.of(given), "kubectl", false);
        }
        Path script = repositoryRoot().resolve("deploy/testenv/testenv.sh");
        String status = run(List.of("bash", "-c", "'" + script + "' up --with-scheduler 2>&1 || echo MU_TESTENV_FAILED"), 300);
        if (status.contains("the binaries are not built")) {
            throw new TestAbortedException("no Kubernetes control plane: set " + VARIABLE
                    + ", or build the local one with deploy/testenv/testenv.sh build (needs Go; ./test.sh does it)");
        }
        if (status.contains("MU_TESTENV_FAILED")) {
            throw new AssertionError("deploy/testenv/testenv.sh up failed:\n" + status);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> run(List.of(script.toString(), "down"), 60), "mu-testenv-down"));
        String export = status.lines().filter(l -> l.startsWith("export KUBECONFIG=")).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("testenv.sh up printed no KUBECONFIG:\n" + status));
        String kubectl = run(List.of("bash", "-c", "ls -d \"${MU_TESTENV_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mu-testenv}\"/k8s-*/bin/kubectl | tail -1"), 10).trim();
        return new Cluster(Path.of(export.substring("export KUBECONFIG=".length())), kubectl, true);
    }

    /** The checkout's root (see {@link Repository#root()}). */
    public static Path repositoryRoot() {
        return Repository.root();
    }

    private static String run(List<String> command, int timeoutSeconds) {
        Outcome outcome = execute(command, timeoutSeconds);
        if (outcome.exitCode() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed (" + outcome.exitCode() + "):\n" + outcome.output());
        }
        return outcome.output();
    }

    private static Outcome execute(List<String> command, int timeoutSeconds) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
            }
            return new Outcome(process.exitValue(), output);
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
