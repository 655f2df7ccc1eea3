package dev.muserving.placementbench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muserving.api.BadInputException;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * {@code mu placement-bench}: the same pod workload ({@link PlacementWorkload}) scheduled once by
 * {@code mu-placement} (the controller, run as a process) and once by kube-scheduler, on KWOK nodes of
 * the test control plane (deploy/testenv, its own run directory, stopped at the end). Writes
 * placement-bench.json and prints a table (docs/placement.md).
 */
public final class PlacementBench {

    public static final List<String> SCHEDULERS = List.of("mu-placement", "kube-scheduler");

    /** kube-scheduler's own default client limit (--kube-api-qps; its burst is twice that). */
    public static final int KUBE_SCHEDULER_QPS = 50;

    /** Runs testenv.sh in a session of its own, where it is installed. */
    private static final Path SETSID = Path.of("/usr/bin/setsid");

    /** @param kubeSchedulerQps the requests per second kube-scheduler may send the API server (its bindings among them) */
    public record Options(int nodes, int pods, int functions, double overload, long seed, Duration settle, Path out, List<String> schedulers,
            int kubeSchedulerQps) {
        public Options {
            if (kubeSchedulerQps < 1) {
                throw new BadInputException("--kube-scheduler-qps must be at least 1, got " + kubeSchedulerQps);
            }
            if (nodes < 1 || pods < 1 || functions < 1 || functions > pods) {
                throw new BadInputException("--nodes, --pods and --functions must be at least 1, and --functions at most --pods");
            }
            if (!(overload > 0)) {
                throw new BadInputException("--overload must be above 0, got " + overload);
            }
            schedulers.stream().filter(s -> !SCHEDULERS.contains(s)).findFirst().ifPresent(s -> {
                throw new BadInputException("--schedulers: unknown '" + s + "'; known: " + SCHEDULERS);
            });
        }
    }

    private final Options options;
    private final PrintWriter log;
    private final Path root;

    public PlacementBench(Options options, PrintWriter log) {
        this.options = options;
        this.log = log;
        this.root = checkout();
    }

    public Map<String, PlacementMetrics> run() throws IOException, InterruptedException {
        Path operatorJar = root.resolve("operator/target/quarkus-app/quarkus-run.jar");
        if (options.schedulers().contains("mu-placement") && !Files.isRegularFile(operatorJar)) {
            throw new BadInputException(operatorJar + " is missing: build the controller first (./mvnw -B -pl operator -am package -DskipTests)");
        }
        Files.createDirectories(options.out());
        Path run = options.out().toAbsolutePath().resolve("testenv");
        PlacementWorkload workload = PlacementWorkload.generate(options.nodes(), options.pods(), options.functions(), options.overload(), options.seed());
        say("control plane: deploy/testenv (run directory " + run + ")");
        Path kubeconfig = testenvUp(run);
        Map<String, PlacementMetrics> results = new LinkedHashMap<>();
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(
                Config.fromKubeconfig(Files.readString(kubeconfig))).build()) {
            createNodes(client, workload);
            for (String scheduler : options.schedulers()) {
                say(scheduler + ": " + workload.pods() + " pods of " + workload.groups().size() + " functions on "
                        + workload.nodes().size() + " nodes");
                results.put(scheduler, PlacementMetrics.of(scheduler, workload, runOnce(client, scheduler, workload,
                        () -> scheduler.equals("mu-placement") ? startOperator(operatorJar, kubeconfig, run) : startKubeScheduler(kubeconfig, run))));
                PlacementMetrics m = results.get(scheduler);
                say(String.format(Locale.ROOT, "%s: %d of %d pods bound in %.1f s", scheduler, m.bound(), m.pods(), m.seconds()));
            }
        } finally {
            // also when interrupted (Ctrl-C, SIGTERM): etcd and kube-apiserver run on their own, and nothing else stops them
            boolean interrupted = Thread.interrupted();
            try {
                testenv(run, "down");
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        write(workload, results);
        return results;
    }

    /** Starts a scheduler process (and waits until it schedules). */
    @FunctionalInterface
    private interface SchedulerStart {
        Process start() throws IOException, InterruptedException;
    }

    /**
     * One scheduler's run: every pod is created first, with no scheduler running, then the scheduler
     * starts and meets the whole backlog at once (a burst, as scheduler_perf measures), so the figures
     * are the scheduler's and not the pod creation rate's.
     */
    private Map<String, PlacementMetrics.Binding> runOnce(KubernetesClient client, String scheduler, PlacementWorkload workload,
            SchedulerStart start) throws InterruptedException, IOException {
        String ns = "pbench-" + scheduler;
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
        Map<String, Long> created = new ConcurrentHashMap<>();
        Map<String, Long> bound = new ConcurrentHashMap<>();
        Map<String, String> nodeOf = new ConcurrentHashMap<>();
        Map<String, String> groupOf = new ConcurrentHashMap<>();
        try (var watch = client.pods().inNamespace(ns).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Pod pod) {
                String node = pod.getSpec().getNodeName();
                if (node != null && !node.isEmpty() && nodeOf.putIfAbsent(pod.getMetadata().getName(), node) == null) {
                    bound.put(pod.getMetadata().getName(), System.nanoTime());
                }
            }

            @Override
            public void onClose(WatcherException cause) {
                // the run ends the watch
            }
        })) {
            ExecutorService creators = Executors.newFixedThreadPool(8);
            List<Future<?>> futures = new ArrayList<>();
            for (PlacementWorkload.Group group : workload.groups()) {
                for (int i = 0; i < group.replicas(); i++) {
                    Pod pod = pod(ns, scheduler.equals("mu-placement") ? "mu-placement" : "default-scheduler", group, i);
                    groupOf.put(pod.getMetadata().getName(), group.name());
                    futures.add(creators.submit(() -> {
                        client.pods().inNamespace(ns).resource(pod).create();
                        created.put(pod.getMetadata().getName(), System.nanoTime());
                    }));
                }
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (Exception e) {
                    throw new IllegalStateException("creating the workload's pods failed: " + e.getMessage(), e);
                }
            }
            creators.shutdown();
            say(scheduler + ": all " + created.size() + " pods created; starting the scheduler, then waiting until nothing more is bound for "
                    + options.settle().toSeconds() + " s");
            long startedAt = System.nanoTime();
            Process process = start.start();
            try {
                long lastChange = System.nanoTime();
                int lastCount = -1;
                while (bound.size() < created.size() && System.nanoTime() - lastChange < options.settle().toNanos()) {
                    if (bound.size() != lastCount) {
                        lastCount = bound.size();
                        lastChange = System.nanoTime();
                    }
                    Thread.sleep(200);
                }
            } finally {
                process.destroy();
                process.waitFor(30, TimeUnit.SECONDS);
                process.destroyForcibly();
            }
            created.replaceAll((pod, at) -> startedAt); // every pod waited from the scheduler's start
        }
        Map<String, PlacementMetrics.Binding> result = new LinkedHashMap<>();
        created.forEach((pod, at) -> result.put(pod, new PlacementMetrics.Binding(groupOf.get(pod), nodeOf.get(pod), at,
                bound.getOrDefault(pod, 0L))));
        client.pods().inNamespace(ns).withGracePeriod(0).delete();
        client.namespaces().withName(ns).delete();
        await(() -> client.namespaces().withName(ns).get() == null, Duration.ofMinutes(5));
        return result;
    }

    private static Pod pod(String ns, String schedulerName, PlacementWorkload.Group group, int i) {
        PodBuilder pod = new PodBuilder().withNewMetadata().withName(group.name() + "-" + i).withNamespace(ns)
                .withLabels(Map.of("muserving.dev/function", group.name()))
                .withAnnotations(Map.of("muserving.dev/weight", Double.toString(group.weight())))
                .endMetadata()
                .withNewSpec().withSchedulerName(schedulerName).withTerminationGracePeriodSeconds(0L)
                .addNewContainer().withName("app").withImage("registry.example/bench:1").withNewResources()
                .withRequests(Map.of("cpu", new Quantity(group.cpuMillis() + "m"), "memory", new Quantity(group.memoryMiB() + "Mi")))
                .endResources().endContainer()
                .endSpec();
        if (group.architectures().size() == 1) {
            pod.editSpec().withNodeSelector(Map.of("kubernetes.io/arch", group.architectures().iterator().next().label())).endSpec();
        }
        return pod.build();
    }

    private void createNodes(KubernetesClient client, PlacementWorkload workload) throws InterruptedException {
        say("creating " + workload.nodes().size() + " KWOK nodes");
        for (PlacementWorkload.NodeShape node : workload.nodes()) {
            Map<String, Quantity> capacity = Map.of("cpu", new Quantity(node.cpuMillis() + "m"), "memory", new Quantity(node.memoryMiB() + "Mi"),
                    "pods", new Quantity("110"));
            client.nodes().resource(new NodeBuilder().withNewMetadata().withName(node.name())
                    .withLabels(Map.of("kubernetes.io/arch", node.arch().label(), "kubernetes.io/os", "linux", "kubernetes.io/hostname", node.name(),
                            "type", "kwok"))
                    .withAnnotations(Map.of("kwok.x-k8s.io/node", "fake", "node.alpha.kubernetes.io/ttl", "0")).endMetadata()
                    .withNewStatus().withCapacity(capacity).withAllocatable(capacity)
                    .withNewNodeInfo().withArchitecture(node.arch().label()).withOperatingSystem("linux").withKubeletVersion("fake").endNodeInfo()
                    .endStatus().build()).create();
        }
        await(() -> client.nodes().list().getItems().stream().filter(n -> n.getStatus().getConditions() != null && n.getStatus().getConditions()
                .stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()))).count() == workload.nodes().size()
                && client.nodes().list().getItems().stream().allMatch(n -> n.getSpec().getTaints() == null || n.getSpec().getTaints().isEmpty()),
                Duration.ofMinutes(5));
    }

    private Process startOperator(Path jar, Path kubeconfig, Path run) throws IOException, InterruptedException {
        Path logFile = run.resolve("mu-placement.log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-Dquarkus.http.port=0", "-Dmu.operator.identity=placement-bench",
                "-Dquarkus.log.category.\"dev.muserving.operator.placement\".level=DEBUG", "-jar", jar.toString())
                .redirectErrorStream(true).redirectOutput(logFile.toFile());
        builder.environment().put("KUBECONFIG", kubeconfig.toString());
        Process process = builder.start();
        await(() -> {
            try {
                return !process.isAlive() || Files.readString(logFile).contains("scheduling pods with schedulerName mu-placement");
            } catch (IOException e) {
                return false;
            }
        }, Duration.ofMinutes(2));
        if (!process.isAlive()) {
            throw new IllegalStateException("the controller exited; its log: " + logFile);
        }
        return process;
    }

    private Process startKubeScheduler(Path kubeconfig, Path run) throws IOException {
        Path binary = Path.of(kubectl()).resolveSibling("kube-scheduler");
        return new ProcessBuilder(binary.toString(), "--kubeconfig", kubeconfig.toString(), "--authentication-kubeconfig", kubeconfig.toString(),
                "--authorization-kubeconfig", kubeconfig.toString(), "--bind-address", "127.0.0.1", "--secure-port", "0", "--leader-elect=false",
                "--kube-api-qps", Integer.toString(options.kubeSchedulerQps()), "--kube-api-burst", Integer.toString(2 * options.kubeSchedulerQps()))
                .redirectErrorStream(true).redirectOutput(run.resolve("kube-scheduler.log").toFile()).start();
    }

    private static String kubectl() throws IOException {
        return new String(new ProcessBuilder("bash", "-c",
                "ls -d \"${MU_TESTENV_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mu-testenv}\"/k8s-*/bin/kubectl | tail -1").start()
                .getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    }

    private Path testenvUp(Path run) throws IOException, InterruptedException {
        String out = testenv(run, "up", "--nodes", "none");
        if (out.contains("the binaries are not built")) {
            throw new BadInputException("the test control plane is not built: deploy/testenv/testenv.sh build (needs Go; ./test.sh does it)");
        }
        Path crd = root.resolve("deploy/crds/functions.muserving.dev-v1.yml");
        Path kubeconfig = run.resolve("kubeconfig");
        Process apply = new ProcessBuilder(kubectl(), "--kubeconfig", kubeconfig.toString(), "apply", "-f", crd.toString())
                .redirectErrorStream(true).redirectOutput(run.resolve("crd.log").toFile()).start();
        apply.waitFor();
        return kubeconfig;
    }

    private String testenv(Path run, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(SETSID)) {
            // a session of its own: a signal to this process's group (timeout(1) sends one) must not stop it half way
            // through "down", which left etcd and kube-apiserver running
            command.add(SETSID.toString());
        }
        command.add(root.resolve("deploy/testenv/testenv.sh").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("MU_TESTENV_RUN", run.toString());
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        if (process.exitValue() != 0 && !out.contains("the binaries are not built")) {
            throw new IllegalStateException("testenv.sh " + String.join(" ", args) + " failed:\n" + out);
        }
        return out;
    }

    private void write(PlacementWorkload workload, Map<String, PlacementMetrics> results) throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        ObjectNode opts = root.putObject("options");
        opts.put("nodes", options.nodes()).put("pods", options.pods()).put("functions", options.functions())
                .put("overload", options.overload()).put("seed", options.seed()).put("settleSeconds", options.settle().toSeconds())
                .put("kubeSchedulerQps", options.kubeSchedulerQps());
        long cpu = workload.nodes().stream().mapToLong(PlacementWorkload.NodeShape::cpuMillis).sum();
        long demand = workload.groups().stream().mapToLong(g -> (long) g.cpuMillis() * g.replicas()).sum();
        opts.put("clusterCpuMillis", cpu).put("requestedCpuMillis", demand);
        ObjectNode functions = root.putObject("functions");
        Map<String, Double> fair = FairShare.of(workload);
        for (PlacementWorkload.Group g : workload.groups()) {
            ObjectNode f = functions.putObject(g.name());
            f.put("weight", g.weight()).put("cpuMillis", g.cpuMillis()).put("memoryMiB", g.memoryMiB()).put("requested", g.replicas())
                    .put("fairSatisfaction", Math.round(fair.get(g.name()) * 1000) / 1000.0);
            g.architectures().stream().map(a -> a.label()).sorted().forEach(f.putArray("architectures")::add);
        }
        ObjectNode schedulers = root.putObject("schedulers");
        results.forEach((name, m) -> schedulers.set(name, json.valueToTree(m)));
        Files.writeString(options.out().resolve("placement-bench.json"), json.writeValueAsString(root));

        log.printf(Locale.ROOT, "%n%-15s %6s %8s %10s %9s %9s %6s %7s %7s %7s %6s %6s %s%n", "scheduler", "bound", "pods/s", "binding/s",
                "start ms", "p99 ms", "cpu", "jain", "min/fair", "min", "frag.", "wrong", "by arch");
        for (PlacementMetrics m : results.values()) {
            log.printf(Locale.ROOT, "%-15s %6d %8.1f %10.1f %9.0f %9.0f %6.3f %7.3f %7.3f %7.3f %6.3f %6d %s%n", m.scheduler(), m.bound(),
                    m.podsPerSecond(), m.bindingPodsPerSecond(), m.firstBindMs(), m.bindP99Ms(), m.cpuAllocated(), m.jain(), m.minOfFair(),
                    m.minSatisfaction(), m.fragmentation(), m.wrongArch(), m.byArch());
        }
        log.println("wrote " + options.out().resolve("placement-bench.json"));
        log.flush();
    }

    private void say(String line) {
        log.println("placement-bench: " + line);
        log.flush();
    }

    private static void await(BooleanSupplier condition, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("gave up after " + limit.toSeconds() + " s");
            }
            Thread.sleep(250);
        }
    }

    /** The checkout: the first folder up from here, or from the mu jar, that holds deploy/testenv/testenv.sh. */
    private static Path checkout() {
        List<Path> starts = new ArrayList<>(List.of(Path.of("").toAbsolutePath()));
        try {
            starts.add(Path.of(PlacementBench.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        } catch (Exception ignored) {
            // the working directory must do
        }
        for (Path start : starts) {
            for (Path dir = start; dir != null; dir = dir.getParent()) {
                if (Files.isRegularFile(dir.resolve("deploy/testenv/testenv.sh"))) {
                    return dir;
                }
            }
        }
        throw new BadInputException("mu placement-bench runs from a checkout of Mu Serving (it needs deploy/testenv)");
    }
}
