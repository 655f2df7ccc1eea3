package dev.muserving.e2e;

import dev.muserving.api.testing.JavaApp;
import dev.muserving.api.testing.KubernetesControlPlane;
import dev.muserving.api.testing.KubernetesControlPlane.Cluster;
import dev.muserving.api.v1alpha1.Function;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Mu as a user runs it on a cluster, minus the chart: its CRD and RBAC applied, the controller and
 * the activator-lb started from their packaged jars against the test control plane, each as its
 * own service account with exactly the shipped rules (their logs in {@code target/e2e-logs}),
 * functions at {@code http://<fn>.<ns>.mu.localhost:<ingress port>}.
 */
final class MuOnTheCluster implements AutoCloseable {

    static final String DOMAIN = "mu.localhost";
    private static final Path ROOT = KubernetesControlPlane.repositoryRoot();
    private static final Path CONTROLLER_JAR = ROOT.resolve("operator/target/quarkus-app/quarkus-run.jar");
    private static final Path ACTIVATOR_JAR = ROOT.resolve("activator-lb/app/target/quarkus-app/quarkus-run.jar");
    private static final Path LOGS = Path.of("target/e2e-logs");

    final Cluster cluster;
    final KubernetesClient client;
    final int ingressPort = freePort();
    final int controllerPort = freePort();
    final int activatorAdminPort = freePort();
    private final Path controllerKubeconfig;
    private final Path activatorKubeconfig;
    JavaApp controller;
    JavaApp activator;
    private int controllers;

    MuOnTheCluster(Cluster cluster) {
        this.cluster = cluster;
        cluster.kubectl("apply", "-f", ROOT.resolve("deploy/crds").toString());
        cluster.kubectl("wait", "--for=condition=Established", "--timeout=60s", "crd/functions.muserving.dev");
        cluster.kubectl("apply", "-f", ROOT.resolve("deploy/operator/rbac.yaml").toString());
        cluster.kubectl("apply", "-f", ROOT.resolve("deploy/activator-lb/rbac.yaml").toString());
        Path activatorKubeconfig;
        try {
            client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(cluster.kubeconfig()))).build();
            controllerKubeconfig = cluster.kubeconfigOf("mu-system", "mu-operator", LOGS);
            activatorKubeconfig = cluster.kubeconfigOf("mu-system", "mu-activator-lb", LOGS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.activatorKubeconfig = activatorKubeconfig;
        controller = startController();
        activator = startActivator("activator-lb-0", ingressPort, activatorAdminPort);
    }

    /** Another activator-lb replica, on ports of its own, its /ready on {@code adminPort}. */
    JavaApp startActivator(String name, int port, int adminPort) {
        return startActivator(name, port, adminPort, activatorKubeconfig);
    }

    /** The same, reaching the API server at {@code server} ({@code https://127.0.0.1:PORT}), e.g. through a {@link CuttableRelay}. */
    JavaApp startActivator(String name, int port, int adminPort, String server) {
        try {
            String kubeconfig = Files.readString(activatorKubeconfig).replaceFirst("server: \\S+,", "server: " + server + ",");
            return startActivator(name, port, adminPort, Files.writeString(LOGS.resolve(name + "-kubeconfig"), kubeconfig));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The API server's address, {@code https://host:port}. */
    String apiServer() {
        return client.getMasterUrl().toString().replaceFirst("/$", "");
    }

    private JavaApp startActivator(String name, int port, int adminPort, Path kubeconfig) {
        return JavaApp.start(name, ACTIVATOR_JAR, LOGS, kubeconfig, Map.of(
                "mu.port", Integer.toString(port), "mu.admin-port", Integer.toString(adminPort), "mu.bind-address", "127.0.0.1",
                "mu.domain", DOMAIN, "mu.controller", "ws://127.0.0.1:" + controllerPort, "mu.replica-name", name,
                "mu.drain-delay", "2S"))
                .awaitLog("mu activator-lb: listening", Duration.ofSeconds(90));
    }

    /** A controller on the same port as the one before it (the activator-lb reconnects to it). */
    JavaApp startController() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("quarkus.http.port", Integer.toString(controllerPort));
        properties.put("mu.operator.identity", "e2e-controller-" + controllers++);
        properties.put("mu.operator.leader-election.lease-duration", "4s");
        properties.put("mu.operator.leader-election.renew-deadline", "3s");
        properties.put("mu.operator.leader-election.retry-period", "1s");
        properties.put("mu.operator.domain", DOMAIN);
        properties.put("mu.operator.url-port", Integer.toString(ingressPort));
        return JavaApp.start("controller-" + (controllers - 1), CONTROLLER_JAR, LOGS, controllerKubeconfig, properties)
                .awaitLog("autoscaler: deciding every", Duration.ofSeconds(90));
    }

    String ingress() {
        return "http://127.0.0.1:" + ingressPort;
    }

    Function function(String namespace, String name) {
        return client.resources(Function.class).inNamespace(namespace).withName(name).get();
    }

    static Path repository() {
        return ROOT;
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        for (JavaApp app : new JavaApp[] {activator, controller}) {
            if (app != null) {
                app.close();
            }
        }
        client.close();
    }
}
