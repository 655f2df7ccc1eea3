package dev.muserving.api.testing;

import java.io.IOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
 * A real Kubernetes control plane for tests (docs/development.md), started once per test run
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

        /**
         * A kubeconfig of the same server that acts as a service account (an hour's token), written
         * to {@code dir}: how a test proves that shipped RBAC rules suffice.
         */
        public Path kubeconfigOf(String namespace, String serviceAccount, Path dir) throws IOException {
            String token = kubectl("-n", namespace, "create", "token", serviceAccount, "--duration=1h").strip();
            String server = kubectl("config", "view", "--raw", "--minify", "--flatten", "-o", "jsonpath={.clusters[0].cluster.server}");
            String ca = kubectl("config", "view", "--raw", "--minify", "--flatten",
                    "-o", "jsonpath={.clusters[0].cluster.certificate-authority-data}");
            return Files.writeString(Files.createDirectories(dir).resolve(serviceAccount + "-kubeconfig"), """
                    apiVersion: v1
                    kind: Config
                    clusters: [{name: test, cluster: {server: %s, certificate-authority-data: %s}}]
                    users: [{name: %s, user: {token: %s}}]
                    contexts: [{name: %s, context: {cluster: test, user: %s, namespace: %s}}]
                    current-context: %s
                    """.formatted(server, ca, serviceAccount, token, serviceAccount, serviceAccount, namespace, serviceAccount));
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

    /**
     * The nodes a test class needs. Without it: 4 amd64 and 4 arm64 KWOK nodes, whose pods are
     * "Running" but run nothing. Process nodes are the node agent's (deploy/testenv/node-agent):
     * their pods really run, each in its own network namespace, so they need root. One cluster runs
     * at a time; a class that wants other nodes than the running cluster has starts it again.
     */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @Inherited
    public @interface Nodes {
        /** KWOK nodes, e.g. {@code amd64=4,arm64=4}; {@code none} for none. */
        String kwok() default "amd64=4,arm64=4";

        /** Process nodes, e.g. {@code amd64=1,arm64=1}; empty for none. */
        String process() default "";
    }

    private static final String VARIABLE = "MU_TEST_KUBECONFIG";
    private static final Nodes DEFAULT_NODES = Defaults.class.getAnnotation(Nodes.class);
    private static Cluster cluster;
    private static String clusterNodes;
    /** Why no control plane can start here at all (no binaries); then every class is disabled. */
    private static String unavailable;

    @Nodes
    private static final class Defaults {}

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Cluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return cluster(nodes(context));
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String why = unavailable(nodes(context));
        return why == null ? ConditionEvaluationResult.enabled("a Kubernetes control plane is up") : ConditionEvaluationResult.disabled(why);
    }

    private static Nodes nodes(ExtensionContext context) {
        return context.getTestClass().map(c -> c.getAnnotation(Nodes.class)).orElse(DEFAULT_NODES);
    }

    /** Null when a cluster with these nodes runs (started now if need be), else why none can. */
    private static synchronized String unavailable(Nodes nodes) {
        if (unavailable != null) {
            return unavailable;
        }
        String given = System.getenv(VARIABLE);
        if (given != null && !given.isBlank()) {
            cluster = new Cluster(Path.of(given), "kubectl", false);
            return null;
        }
        if (!nodes.process().isEmpty()) {
            String why = processNodesUnavailable();
            if (why != null) {
                System.err.println("Kubernetes tests with process nodes skipped: " + why);
                return why;
            }
        }
        String wanted = nodes.kwok() + " " + nodes.process();
        if (cluster == null || !wanted.equals(clusterNodes)) {
            try {
                cluster = start(nodes);
                clusterNodes = wanted;
            } catch (TestAbortedException e) {
                unavailable = e.getMessage();
                System.err.println("Kubernetes tests skipped: " + unavailable);
                return unavailable;
            }
        }
        return null;
    }

    static synchronized Cluster cluster(Nodes nodes) {
        String why = unavailable(nodes);
        if (why != null) {
            throw new TestAbortedException(why);
        }
        return cluster;
    }

    private static String processNodesUnavailable() {
        if (!"0".equals(execute(List.of("id", "-u"), 10).output().trim())) {
            return "process nodes need root (each pod gets a network namespace)";
        }
        if (execute(List.of("bash", "-c", "command -v ip && command -v setpriv"), 10).exitCode() != 0) {
            return "process nodes need iproute2's ip and util-linux's setpriv";
        }
        if (execute(List.of("bash", "-c", "command -v nft"), 10).exitCode() != 0) {
            return "process nodes need nftables' nft, for kube-proxy (Debian: apt-get install nftables)";
        }
        for (String jar : List.of("deploy/testenv/node-agent/target/mu-node-agent.jar", "activator-lb/dataplane/target/mu-dataplane.jar")) {
            if (!Files.isRegularFile(repositoryRoot().resolve(jar))) {
                return jar + " is not built (./mvnw -B -pl deploy/testenv/node-agent -am package -DskipTests)";
            }
        }
        return null;
    }

    private static Cluster start(Nodes nodes) {
        Path script = repositoryRoot().resolve("deploy/testenv/testenv.sh");
        String process = nodes.process().isEmpty() ? "" : " --process-nodes " + nodes.process();
        // crashed containers come back after 1 s instead of kubelet's 10 s, so tests need not wait
        String status = run(List.of("bash", "-c", "MU_AGENT_RESTART_BACKOFF=1s '" + script + "' up --with-scheduler --nodes "
                + nodes.kwok() + process + " 2>&1 || echo MU_TESTENV_FAILED"), 300);
        if (status.contains("the binaries are not built")) {
            throw new TestAbortedException("no Kubernetes control plane: set " + VARIABLE
                    + ", or build the local one with deploy/testenv/testenv.sh build (needs Go; ./test.sh does it)");
        }
        if (status.contains("MU_TESTENV_FAILED")) {
            throw new AssertionError("deploy/testenv/testenv.sh up failed:\n" + status);
        }
        if (cluster == null) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> run(List.of(script.toString(), "down"), 60), "mu-testenv-down"));
        }
        String export = status.lines().filter(l -> l.startsWith("export KUBECONFIG=")).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("testenv.sh up printed no KUBECONFIG:\n" + status));
        String kubectl = run(List.of("bash", "-c", "ls -d \"${MU_TESTENV_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mu-testenv}\"/k8s-*/bin/kubectl | tail -1"), 10).trim();
        return new Cluster(Path.of(export.substring("export KUBECONFIG=".length())), kubectl, true);
    }

    /** Stops the node agent (SIGKILL when {@code kill}) and starts it again, as a test of its restart needs. */
    public static void restartNodeAgent(boolean kill) {
        List<String> command = new ArrayList<>(List.of(repositoryRoot().resolve("deploy/testenv/testenv.sh").toString(), "restart-agent"));
        if (kill) {
            command.add("--kill");
        }
        run(command, 60);
    }

    /** The checkout's root (see {@link Repository#root()}). */
    public static Path repositoryRoot() {
        return Repository.root();
    }

    private static String run(List<String> command, int timeoutSeconds) {
        return Programs.run(command, timeoutSeconds);
    }

    private static Outcome execute(List<String> command, int timeoutSeconds) {
        return Programs.execute(command, timeoutSeconds);
    }
}
