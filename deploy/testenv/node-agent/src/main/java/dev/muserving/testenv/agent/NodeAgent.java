package dev.muserving.testenv.agent;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Plays kubelet for the test control plane (deploy/testenv, docs/development.md): owns Nodes that
 * it keeps Ready, and runs every pod bound to them as local processes in the pod's own network
 * namespace, reporting phase, addresses, container states, restarts and readiness (from the pods'
 * real HTTP probes) as a kubelet does. Crashed containers restart with back-off; a deleted pod's
 * containers get SIGTERM, its grace period, then SIGKILL, and the pod object goes. A restarted
 * agent adopts the processes of its pods and removes what no pod owns any more.
 *
 * <p>All pod state changes on one sync thread; process exits and probe results are posted to it.
 */
public final class NodeAgent implements AutoCloseable {

    /** Nodes this agent owns carry it; KWOK manages only nodes annotated for it, so it leaves them alone. */
    static final String NODE_LABEL = "muserving.dev/node-agent";
    private static final Duration SYNC = Duration.ofMillis(300);
    private static final Duration HEARTBEAT = Duration.ofSeconds(10);
    private static final Duration DEFAULT_GRACE = Duration.ofSeconds(30);
    private static final Duration VOLUME_RETRY = Duration.ofSeconds(2);

    private final AgentOptions options;
    private final KubernetesClient client;
    private final ImageMap images;
    private final PodNetwork network;
    private final PodVolumes volumes;
    /**
     * kubelet's first environment variables in every container: where the API server is (its
     * Service); read once the API server has made that Service, on the sync thread.
     */
    private Map<String, String> clusterEnv = Map.of();
    private final AgentState state;
    private final NodeKeeper nodes;
    private final Path logs;
    private final Clock clock = Clock.systemUTC();
    private final ScheduledExecutorService sync = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "agent-sync"));
    /**
     * Node status on a thread of its own, as kubelet keeps it apart from its pod workers: a sync
     * that starts thirty pods takes longer than the node monitor's grace period, and a late
     * heartbeat gets every pod of the node evicted.
     */
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "agent-heartbeat"));
    private final HttpClient probes = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).version(HttpClient.Version.HTTP_1_1).build();
    private final List<SharedIndexInformer<Pod>> informers = new ArrayList<>();
    private final Map<String, AgentPod> pods = new LinkedHashMap<>();
    /** No sync before every node's informer holds its pods: a pod not seen yet would be taken for a deleted one. */
    private volatile boolean informed;

    private NodeAgent(AgentOptions options, KubernetesClient client, ImageMap images, AgentState state) throws IOException {
        this.options = options;
        this.client = client;
        this.images = images;
        this.state = state;
        this.network = new PodNetwork(options.bridge(), options.subnet());
        this.volumes = new PodVolumes(client, options.stateDir().resolve("volumes"));
        this.nodes = new NodeKeeper(client, options);
        this.logs = Files.createDirectories(options.stateDir().resolve("logs"));
    }

    public static void main(String[] args) {
        AgentOptions options;
        try {
            options = AgentOptions.parse(List.of(args));
        } catch (IllegalArgumentException e) {
            System.err.println("mu-node-agent: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            NodeAgent agent = start(options, new KubernetesClientBuilder().build());
            Runtime.getRuntime().addShutdownHook(new Thread(agent::close, "agent-stop"));
            Thread.currentThread().join();
        } catch (IOException | RuntimeException e) {
            System.err.println("mu-node-agent: " + e.getMessage());
            System.exit(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static NodeAgent start(AgentOptions options, KubernetesClient client) throws IOException {
        requireBridge(options.bridge());
        NodeAgent agent = new NodeAgent(options, client, ImageMap.load(options.imageMap(), options.repository()),
                AgentState.open(options.stateDir()));
        agent.nodes.register();
        agent.onSync(agent::adopt).join();
        ResourceEventHandler<Pod> poke = new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                agent.sync.execute(agent::syncQuietly);
            }

            @Override
            public void onUpdate(Pod before, Pod after) {
                agent.sync.execute(agent::syncQuietly);
            }

            @Override
            public void onDelete(Pod pod, boolean unknownState) {
                agent.sync.execute(agent::syncQuietly);
            }
        };
        for (String node : agent.nodes.names()) {
            agent.informers.add(client.pods().inAnyNamespace().withField("spec.nodeName", node).inform(poke, 0));
        }
        agent.informed = agent.informers.stream().allMatch(SharedIndexInformer::hasSynced);
        if (!agent.informed) {
            throw new IOException("the pod informers did not sync");
        }
        agent.sync.scheduleWithFixedDelay(agent::syncQuietly, 0, SYNC.toMillis(), TimeUnit.MILLISECONDS);
        agent.heartbeats.scheduleWithFixedDelay(agent.nodes::heartbeatQuietly, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
        log("serving nodes " + agent.nodes.names() + " on bridge " + options.bridge() + " (" + options.subnet() + ".0/24)");
        return agent;
    }

    /** Stops watching and reporting; the pods' processes go on, as containers outlive a kubelet restart. */
    @Override
    public void close() {
        informers.forEach(SharedIndexInformer::close);
        sync.shutdownNow();
        heartbeats.shutdownNow();
        client.close();
    }

    private CompletableFuture<Void> onSync(Runnable action) {
        return CompletableFuture.runAsync(action, sync);
    }

    private void syncQuietly() {
        try {
            sync();
        } catch (RuntimeException e) {
            log("sync: " + e);
        }
    }

    /** One pass of kubelet's sync loop over every pod bound to this agent's nodes. */
    private void sync() {
        if (!informed) {
            return;
        }
        Instant now = clock.instant();
        Map<String, Pod> bound = new HashMap<>();
        for (SharedIndexInformer<Pod> informer : informers) {
            for (Pod pod : informer.getStore().list()) {
                bound.put(pod.getMetadata().getUid(), pod);
            }
        }
        for (Pod pod : bound.values()) {
            AgentPod running = pods.get(pod.getMetadata().getUid());
            if (pod.getMetadata().getDeletionTimestamp() != null) {
                if (running == null) {
                    deletePodObject(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
                } else {
                    terminate(running, gracePeriod(pod), now);
                }
                continue;
            }
            if (running == null && (ended(pod) || (running = startPod(pod, now)) == null)) {
                continue;
            }
            for (AgentContainer container : running.containers.values()) {
                if (exitedUnseen(container)) {
                    handleExit(running, container, container.process);
                }
                if (container.mayStart(now)) {
                    startContainer(running, pod, container, now);
                }
                probeIfDue(running, container, now);
            }
            report(running, pod, now);
            if (running.finished() && running.lastReported != null && ended(running.lastReported.getPhase())) {
                release(running); // kubelet keeps a finished pod's object and status, not its sandbox
                log(running.key() + ": " + running.lastReported.getPhase());
            }
        }
        for (AgentPod running : List.copyOf(pods.values())) {
            if (!bound.containsKey(running.uid) && running.killAt == null) {
                terminate(running, Duration.ZERO, now); // the pod object is gone (deleted at once): so are its processes
            }
            if (running.killAt != null) {
                finishIfStopped(running, bound.containsKey(running.uid), now);
            }
        }
    }

    private AgentPod startPod(Pod pod, Instant now) {
        String netns = PodNetwork.namespaceOf(pod.getMetadata().getUid());
        try {
            String ip = network.create(netns);
            AgentPod running = new AgentPod(pod, netns, ip, now, options.restartBackoff());
            pods.put(running.uid, running);
            state.put(running.uid, running.record());
            if (options.clusterDns().isPresent()) {
                String hostname = pod.getSpec().getHostname() != null ? pod.getSpec().getHostname() : running.name;
                network.resolver(netns, options.clusterDns().get(), running.namespace, options.clusterDomain(), ip, hostname);
            }
            log(running.key() + ": sandbox " + netns + " at " + ip + " on " + running.node);
            return running;
        } catch (IOException e) {
            log(pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName() + ": cannot make its network: " + e.getMessage());
            return null;
        }
    }

    private void startContainer(AgentPod pod, Pod object, AgentContainer container, Instant now) {
        ContainerLaunch launch;
        try {
            List<PodVolumes.Mount> mounts = volumes.mounts(container.spec, volumes.make(object));
            launch = ContainerLaunch.of(object, container.spec, images.resolve(container.spec.getImage()), pod.ip, options.gateway(),
                    nodes.arch(pod.node), nodes.speed(pod.node), clusterEnv(), mounts, (ref, key) -> lookup(pod.namespace, ref, key));
        } catch (PodVolumes.NotReady e) {
            container.restartAt = now.plus(VOLUME_RETRY); // as kubelet retries a mount that failed
            log(pod.key() + "/" + container.spec.getName() + ": waiting for a volume: " + e.getMessage());
            return;
        } catch (ContainerLaunch.NotRunnable e) {
            container.waitingReason = e.reason;
            container.waitingMessage = e.getMessage();
            log(pod.key() + "/" + container.spec.getName() + ": " + e.reason + ": " + e.getMessage());
            return;
        }
        Path log = logs.resolve(pod.namespace + "_" + pod.name + "_" + container.spec.getName() + ".log");
        ProcessBuilder builder = new ProcessBuilder(launch.commandLine(pod.netns)).redirectErrorStream(true)
                .redirectOutput(Redirect.appendTo(log.toFile()));
        builder.environment().clear();
        builder.environment().putAll(launch.env());
        try {
            Process process = builder.start();
            if (container.last != null) {
                container.restarts++;
            }
            container.child = process;
            container.process = process.toHandle();
            container.startedAt = now;
            container.restartAt = null;
            container.nextProbeAt = now.plusSeconds(container.readinessProbe().map(Probe::getInitialDelaySeconds)
                    .filter(Objects::nonNull).orElse(0));
            watch(pod, container, container.process);
            state.put(pod.uid, pod.record());
        } catch (IOException e) {
            container.waitingReason = "RunContainerError";
            container.waitingMessage = e.getMessage();
        }
    }

    /**
     * Posts the process's end to the sync thread, unless another process has taken its place by then.
     * A child is watched through its {@code Process}, whose completion waits for the exit code: the
     * handle's own completion does not, and reading the code before it is known throws. Inside the
     * sync executor that exception vanished and the container stayed dead, never restarted (the likely
     * cause of a NodeAgentIT failure in a CI run of 2026-12-03: a killed container's process gone,
     * its exit never recorded). The sync loop also handles any exit this misses ({@link #exitedUnseen}).
     */
    private void watch(AgentPod pod, AgentContainer container, ProcessHandle process) {
        CompletableFuture<?> ended = container.child != null ? container.child.onExit() : process.onExit();
        ended.thenRun(() -> sync.execute(() -> handleExit(pod, container, process)));
    }

    /** A container's process is gone but its exit was not handled yet. */
    private static boolean exitedUnseen(AgentContainer container) {
        return container.process != null && (container.child != null ? !container.child.isAlive() : !container.process.isAlive());
    }

    private void handleExit(AgentPod pod, AgentContainer container, ProcessHandle process) {
        if (container.process != process) {
            return;
        }
        int code = container.child != null ? container.child.exitValue() : -1;
        container.exited(code, clock.instant(), options.maxRestartBackoff());
        if (pod.killAt == null && container.finished) {
            log(pod.key() + "/" + container.spec.getName() + ": exited with " + code + "; not restarted (restartPolicy)");
        } else if (pod.killAt == null) {
            log(pod.key() + "/" + container.spec.getName() + ": exited with " + code + "; restart " + container.restarts
                    + " after " + Duration.between(clock.instant(), container.restartAt).toMillis() + " ms");
        }
        if (pods.containsKey(pod.uid)) {
            state.put(pod.uid, pod.record());
        }
    }

    private void probeIfDue(AgentPod pod, AgentContainer container, Instant now) {
        if (!container.running()) {
            container.ready = false;
            return;
        }
        Optional<Probe> probe = container.readinessProbe();
        if (probe.isEmpty()) {
            container.ready = true;
            return;
        }
        if (container.probing || (container.nextProbeAt != null && now.isBefore(container.nextProbeAt))) {
            return;
        }
        Probe p = probe.get();
        container.probing = true;
        container.nextProbeAt = now.plusSeconds(orDefault(p.getPeriodSeconds(), 10));
        probe(pod, container, p).whenComplete((ok, error) -> sync.execute(() -> {
            container.probing = false;
            if (Boolean.TRUE.equals(ok)) {
                container.probeFailures = 0;
                if (++container.probeSuccesses >= orDefault(p.getSuccessThreshold(), 1)) {
                    container.ready = container.running();
                }
            } else {
                container.probeSuccesses = 0;
                if (++container.probeFailures >= orDefault(p.getFailureThreshold(), 3)) {
                    container.ready = false;
                }
            }
        }));
    }

    /** The probe as kubelet runs it, from outside the pod to its address; exec probes are not emulated (they pass). */
    private CompletableFuture<Boolean> probe(AgentPod pod, AgentContainer container, Probe probe) {
        Duration timeout = Duration.ofSeconds(orDefault(probe.getTimeoutSeconds(), 1));
        if (probe.getHttpGet() != null) {
            Optional<Integer> port = container.port(probe.getHttpGet().getPort());
            if (port.isEmpty()) {
                return CompletableFuture.completedFuture(false);
            }
            String path = probe.getHttpGet().getPath() == null ? "/" : probe.getHttpGet().getPath();
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + pod.ip + ":" + port.get() + path)).timeout(timeout).GET().build();
            return probes.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                    .thenApply(r -> r.statusCode() >= 200 && r.statusCode() < 400).exceptionally(e -> false);
        }
        if (probe.getTcpSocket() != null) {
            Optional<Integer> port = container.port(probe.getTcpSocket().getPort());
            return CompletableFuture.supplyAsync(() -> {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress(pod.ip, port.orElse(-1)), (int) timeout.toMillis());
                    return true;
                } catch (IOException | IllegalArgumentException e) {
                    return false;
                }
            });
        }
        return CompletableFuture.completedFuture(true);
    }

    private void report(AgentPod pod, Pod object, Instant now) {
        PodCondition scheduled = object.getStatus() == null || object.getStatus().getConditions() == null ? null
                : object.getStatus().getConditions().stream().filter(c -> "PodScheduled".equals(c.getType())).findFirst().orElse(null);
        PodStatus status = pod.status(options.gateway(), scheduled, now);
        if (status.equals(pod.lastReported)) {
            return;
        }
        Pod patch = new PodBuilder().withNewMetadata().withName(pod.name).withNamespace(pod.namespace).endMetadata()
                .withStatus(status).build();
        try {
            client.pods().inNamespace(pod.namespace).resource(patch).patchStatus();
            pod.lastReported = status;
        } catch (RuntimeException e) {
            log(pod.key() + ": status not written (next pass retries): " + e.getMessage());
        }
    }

    /**
     * SIGTERM to every container once, after its preStop hook where it has an HTTP one (exec hooks
     * are not emulated); SIGKILL when the grace period is over ({@link #finishIfStopped}).
     */
    private void terminate(AgentPod pod, Duration grace, Instant now) {
        if (pod.killAt != null) {
            return;
        }
        pod.killAt = now.plus(grace);
        log(pod.key() + ": stopping (grace " + grace.toSeconds() + " s)");
        for (AgentContainer container : pod.containers.values()) {
            container.ready = false;
            if (!container.running()) {
                continue;
            }
            Optional<HTTPGetAction> preStop = container.preStopHttpGet();
            if (preStop.isPresent() && !grace.isZero()) {
                ProcessHandle process = container.process;
                preStop(pod, container, preStop.get(), grace).whenComplete((r, e) -> sync.execute(() -> process.destroy()));
            } else {
                container.process.destroy();
            }
        }
    }

    /** The hook as kubelet calls it, to the pod's address; it may take the whole grace period. */
    private CompletableFuture<Void> preStop(AgentPod pod, AgentContainer container, HTTPGetAction hook, Duration grace) {
        Optional<Integer> port = container.port(hook.getPort());
        if (port.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        String path = hook.getPath() == null ? "/" : hook.getPath();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + pod.ip + ":" + port.get() + path)).timeout(grace).GET().build();
        return probes.sendAsync(request, HttpResponse.BodyHandlers.discarding()).handle((r, e) -> null);
    }

    private void finishIfStopped(AgentPod pod, boolean objectExists, Instant now) {
        if (pod.anyRunning() && now.isBefore(pod.killAt)) {
            return;
        }
        pod.containers.values().stream().filter(AgentContainer::running).forEach(c -> c.process.destroyForcibly());
        release(pod);
        if (objectExists) {
            deletePodObject(pod.namespace, pod.name);
        }
        log(pod.key() + ": stopped and removed");
    }

    /** What the pod had on this node: its processes, network namespace, address and volumes. */
    private void release(AgentPod pod) {
        network.pids(pod.netns).forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        network.delete(pod.netns);
        network.release(pod.ip);
        volumes.remove(pod.uid);
        pods.remove(pod.uid);
        state.remove(pod.uid);
    }

    private static boolean ended(Pod pod) {
        return pod.getStatus() != null && ended(pod.getStatus().getPhase());
    }

    private static boolean ended(String phase) {
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }

    /**
     * KUBERNETES_SERVICE_HOST and _PORT from the {@code kubernetes} Service, as kubelet gives every
     * container; asked again at the next container start while the API server has none yet.
     */
    private Map<String, String> clusterEnv() {
        if (clusterEnv.isEmpty()) {
            var service = client.services().inNamespace("default").withName("kubernetes").get();
            if (service != null && service.getSpec().getClusterIP() != null && !service.getSpec().getPorts().isEmpty()) {
                String port = Integer.toString(service.getSpec().getPorts().get(0).getPort());
                clusterEnv = Map.of("KUBERNETES_SERVICE_HOST", service.getSpec().getClusterIP(), "KUBERNETES_SERVICE_PORT", port,
                        "KUBERNETES_SERVICE_PORT_HTTPS", port);
            }
        }
        return clusterEnv;
    }

    private void deletePodObject(String namespace, String name) {
        try {
            client.pods().inNamespace(namespace).withName(name).withGracePeriod(0).delete();
        } catch (RuntimeException e) {
            log(namespace + "/" + name + ": not deleted (next pass retries): " + e.getMessage());
        }
    }

    /**
     * After a restart: the pods of the last run whose objects still exist get their processes back
     * (by pid and start time, so a reused pid is never taken for them; anything else in their
     * namespace is stopped, so nothing runs twice); everything else of the last run is removed.
     */
    private void adopt() {
        Instant now = clock.instant();
        state.pods().forEach((uid, record) -> {
            Pod pod = client.pods().inNamespace(record.namespace()).withName(record.name()).get();
            boolean ours = pod != null && uid.equals(pod.getMetadata().getUid()) && nodes.names().contains(pod.getSpec().getNodeName());
            if (!ours) {
                log(record.namespace() + "/" + record.name() + ": gone while the agent was away; removing what it left");
                network.pids(record.netns()).forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
                network.delete(record.netns());
                volumes.remove(uid);
                state.remove(uid);
                return;
            }
            network.reserve(record.ip());
            AgentPod adopted = new AgentPod(pod, record.netns(), record.ip(), startTime(pod, now), options.restartBackoff());
            List<Long> kept = new ArrayList<>();
            adopted.containers.forEach((name, container) -> {
                AgentState.ContainerRecord was = record.containers().get(name);
                if (was == null) {
                    return;
                }
                container.restarts = was.restarts();
                Optional<ProcessHandle> process = ProcessHandle.of(was.pid())
                        .filter(p -> p.isAlive() && AgentPod.startMillis(p) == was.startedMillis());
                if (process.isPresent()) {
                    container.process = process.get();
                    container.startedAt = Instant.ofEpochMilli(was.startedMillis());
                    container.nextProbeAt = now;
                    kept.add(was.pid());
                    watch(adopted, container, container.process);
                } else {
                    container.last = new AgentContainer.Terminated(-1, "Unknown", null, now);
                    container.restartAt = now;
                }
            });
            network.pids(record.netns()).stream().filter(pid -> !kept.contains(pid))
                    .forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            pods.put(uid, adopted);
            state.put(uid, adopted.record());
            log(adopted.key() + ": adopted " + kept.size() + " of " + adopted.containers.size() + " container process(es)");
        });
        for (String netns : network.existing()) {
            if (pods.values().stream().noneMatch(p -> p.netns.equals(netns))) {
                log("removing " + netns + ", which no pod of this agent owns");
                network.pids(netns).forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
                network.delete(netns);
            }
        }
    }

    private static Instant startTime(Pod pod, Instant fallback) {
        String started = pod.getStatus() == null ? null : pod.getStatus().getStartTime();
        return started == null ? fallback : Instant.parse(started);
    }

    private String lookup(String namespace, String ref, String key) {
        String name = ref.substring(ref.indexOf('/') + 1);
        if (ref.startsWith("configmap/")) {
            ConfigMap map = client.configMaps().inNamespace(namespace).withName(name).get();
            return map == null || map.getData() == null ? null : map.getData().get(key);
        }
        Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
        String encoded = secret == null || secret.getData() == null ? null : secret.getData().get(key);
        return encoded == null ? null : new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
    }

    private static Duration gracePeriod(Pod pod) {
        Long seconds = pod.getMetadata().getDeletionGracePeriodSeconds();
        if (seconds == null) {
            seconds = pod.getSpec().getTerminationGracePeriodSeconds();
        }
        return seconds == null ? DEFAULT_GRACE : Duration.ofSeconds(seconds);
    }

    private static void requireBridge(String bridge) throws IOException {
        Process check = new ProcessBuilder("ip", "link", "show", bridge).redirectErrorStream(true).start();
        try {
            if (check.waitFor() != 0) {
                throw new IOException("no bridge '" + bridge + "' for the pods: testenv.sh up --process-nodes makes it (as root)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static int orDefault(Integer value, int fallback) {
        return value == null ? fallback : value;
    }

    static void log(String line) {
        System.out.println(Instant.now() + " " + line);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
