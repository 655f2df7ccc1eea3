package dev.muserving.operator.placement;

import dev.muserving.api.FunctionKey;
import dev.muserving.api.FunctionSpec;
import dev.muserving.api.ReplicaCounts;
import dev.muserving.api.v1alpha1.Function;
import dev.muserving.api.v1alpha1.FunctionMapping;
import dev.muserving.api.v1alpha1.FunctionNames;
import dev.muserving.api.v1alpha1.FunctionValidation;
import dev.muserving.operator.model.PlacementDemand;
import dev.muserving.placement.policy.PlacementPolicy;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * {@value #NAME}: Mu's placement as a Kubernetes scheduler, run by the controller while it leads.
 * Informers on Nodes, Pods and Functions feed {@link SchedulingRound}; its bindings go out through
 * the {@code pods/binding} subresource, several at once, and are assumed until the informer shows
 * them (so a node is never double-booked; a failed bind is forgotten); a pod that stays pending
 * gets {@code PodScheduled=False} with the reason and a {@code FailedScheduling} Event when the
 * reason changes. Each Function's allocation per architecture goes to whoever listens (the
 * reconciler, which sizes the Deployments by it).
 */
public final class MuScheduler implements AutoCloseable {

    public static final String NAME = "mu-placement";
    private static final Logger LOG = Logger.getLogger(MuScheduler.class);
    /** Pods that arrive together are placed together: a round waits this long after the first of them. */
    private static final Duration BATCH = Duration.ofMillis(50);
    /**
     * Events start the rounds; this one also comes when nothing happens, for what no event announces:
     * an expired assumption, a reason due to be said again. A full round costs about 0.1 ms per pod,
     * so it is not run more often than needed.
     */
    private static final Duration PERIOD = Duration.ofSeconds(5);
    /** An answered binding the informer never confirms is dropped this long after the answer (the pod may have gone meanwhile). */
    private static final Duration ASSUME_TTL = Duration.ofSeconds(30);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ISO_INSTANT;
    /**
     * Bindings on their way at once. A round may bind thousands of pods; sent all at once they queue
     * inside the API server and etcd, and the requests that keep this controller alive (its lease
     * renewal) queue behind them: at 500 nodes and 5,000 pods the lease was lost that way.
     */
    private static final int BIND_CONCURRENCY = 32;
    /** How long a round waits for its pods' deletion-cost marks before the Deployments may shrink. */
    private static final Duration MARKED_WITHIN = Duration.ofSeconds(10);

    private final KubernetesClient client;
    /** Bindings go through a client of their own, so a burst of them and the controller's other requests never share a queue. */
    private final KubernetesClient binder;
    private final SchedulingRound round;
    private final java.util.function.Function<Function, PlacementDemand> demand;
    private final Clock clock;
    private final String identity;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mu-placement");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Assumed> assumed = new ConcurrentHashMap<>();
    /**
     * What each pending pod was last told, and when: said again when it changes, not sooner than
     * {@link #RETELL}, or when it has stood for {@link #STILL_PENDING_RETELL}.
     */
    private final Map<String, Told> told = new ConcurrentHashMap<>();
    /** Reports go out beside the rounds: a round never waits for the API server to take them. */
    private final ExecutorService reports = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "mu-placement-reports");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean roundQueued = new AtomicBoolean();
    private final Queue<SchedulingRound.Bind> toBind = new ConcurrentLinkedQueue<>();
    private final AtomicInteger binding = new AtomicInteger();
    private volatile Map<String, Allocation> allocations = Map.of();
    private volatile BiConsumer<FunctionKey, Allocation> onAllocation = (k, a) -> { };
    private SharedIndexInformer<Node> nodes;
    private SharedIndexInformer<Pod> pods;
    private SharedIndexInformer<Function> functions;
    private SharedIndexInformer<Namespace> namespaces;
    private final double maxWeight;
    /** Each bad cap label is said once, while it stays bad. */
    private Set<String> badCaps = Set.of();
    private volatile boolean started;
    /** No round before every informer holds its objects: a pod not seen yet would look free room. */
    private volatile boolean informed;

    /** @param at when the binding was answered; null while it is on its way (it never expires then) */
    private record Assumed(String node, Instant at) {}

    private record Told(String why, Instant at) {}

    /** Pods marked to be removed first, by uid, with when: until the informer shows the mark ({@link SchedulingRound.InFlight}). */
    private final Map<String, Instant> stopping = new ConcurrentHashMap<>();

    /** A pending pod's reason is written at most this often (kube-scheduler too backs off its retries). */
    private static final Duration RETELL = Duration.ofSeconds(10);
    /**
     * A pod still pending for the same reason is told again this often: Events live an hour on the
     * API server, and a pod told once had none left to show in {@code kubectl describe} after that.
     */
    private static final Duration STILL_PENDING_RETELL = Duration.ofMinutes(10);

    /**
     * @param demand what a Function asks of placement now: the autoscaler's decision and its pods' service rates
     * @param maxWeight the most weight a pod may claim in a namespace without the label
     *     {@link WeightCaps#LABEL} ({@code mu.operator.max-weight})
     */
    public MuScheduler(KubernetesClient client, PlacementPolicy policy, java.util.function.Function<Function, PlacementDemand> demand,
            Clock clock, String identity, double maxWeight) {
        this.client = client;
        this.maxWeight = maxWeight;
        this.binder = new KubernetesClientBuilder().withConfig(new ConfigBuilder(client.getConfiguration())
                .withMaxConcurrentRequests(BIND_CONCURRENCY).withMaxConcurrentRequestsPerHost(BIND_CONCURRENCY).build()).build();
        this.round = new SchedulingRound(NAME, policy);
        this.demand = demand;
        this.clock = clock;
        this.identity = identity;
    }

    /** Places again soon: what some Function wants has changed. */
    public void reschedule() {
        if (informed) {
            soon();
        }
    }

    /** The Functions there are, as this scheduler's informer holds them; none before it starts. */
    public List<Function> functions() {
        return informed ? functions.getStore().list() : List.of();
    }

    /** A Function's pods by phase, from this scheduler's informer: what the autoscaler decides on. */
    public ReplicaCounts replicas(FunctionKey function) {
        if (!informed) {
            return ReplicaCounts.NONE;
        }
        int ready = 0;
        int starting = 0;
        int pending = 0;
        ReplicaCounts.StartupTimes startup = new ReplicaCounts.StartupTimes();
        for (Pod pod : pods.getStore().list()) {
            if (!function.namespace().equals(pod.getMetadata().getNamespace()) || deleting(pod) || pod.getMetadata().getLabels() == null
                    || !function.name().equals(pod.getMetadata().getLabels().get(FunctionNames.FUNCTION_LABEL))) {
                continue;
            }
            if (PodFacts.ready(pod)) {
                ready++;
                startup.add(PodFacts.created(pod), PodFacts.readySince(pod));
            } else if (pod.getSpec().getNodeName() != null && !pod.getSpec().getNodeName().isEmpty()) {
                starting++;
            } else {
                pending++;
            }
        }
        return new ReplicaCounts(ready, starting, pending, startup.mean());
    }

    /** Told each Function's allocation when it changes. */
    public void onAllocation(BiConsumer<FunctionKey, Allocation> listener) {
        this.onAllocation = listener;
    }

    /** The Function's allocation from the last round; empty before the first (or when it has none). */
    public Optional<Allocation> allocation(FunctionKey key) {
        return Optional.ofNullable(allocations.get(key.toString()));
    }

    /** Starts scheduling (when this instance becomes the leader). */
    public synchronized void start() {
        if (started) {
            return;
        }
        started = true;
        // Kubelets update every node for heartbeats, the operator its Functions' status, this
        // scheduler its waiting pods' reasons, and a burst of bindings updates thousands of pods:
        // none of that may set off a round each.
        nodes = client.nodes().inform(rounds(node -> true, PodFacts::placementChanged), 0);
        pods = client.pods().inAnyNamespace().inform(rounds(this::waitingForUs, this::startsWaitingOrFreesRoom), 0);
        functions = client.resources(Function.class).inAnyNamespace().inform(rounds(function -> true,
                (before, after) -> !Objects.equals(before.getMetadata().getGeneration(), after.getMetadata().getGeneration())
                        || deleting(after) != deleting(before)), 0);
        namespaces = client.namespaces().inform(rounds(namespace -> true,
                (before, after) -> !Objects.equals(label(before, WeightCaps.LABEL), label(after, WeightCaps.LABEL))), 0);
        informed = true;
        loop.scheduleWithFixedDelay(this::roundQuietly, 0, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        LOG.infof("%s: scheduling pods with schedulerName %s", identity, NAME);
    }

    private boolean waitingForUs(Pod pod) {
        return NAME.equals(pod.getSpec().getSchedulerName()) && (pod.getSpec().getNodeName() == null || pod.getSpec().getNodeName().isEmpty())
                && !assumed.containsKey(pod.getMetadata().getUid());
    }

    private boolean startsWaitingOrFreesRoom(Pod before, Pod after) {
        return waitingForUs(after) && !waitingForUs(before)
                || deleting(after) && !deleting(before)
                || !Objects.equals(phase(before), phase(after)) && ("Succeeded".equals(phase(after)) || "Failed".equals(phase(after)));
    }

    private static String label(HasMetadata resource, String key) {
        Map<String, String> labels = resource.getMetadata().getLabels();
        return labels == null ? null : labels.get(key);
    }

    private static boolean deleting(HasMetadata resource) {
        return resource.getMetadata().getDeletionTimestamp() != null;
    }

    private static String phase(Pod pod) {
        return pod.getStatus() == null ? null : pod.getStatus().getPhase();
    }

    /** A round after every deletion, and after the additions and updates that can change a placement. */
    private <T> ResourceEventHandler<T> rounds(Predicate<T> addMatters, BiPredicate<T, T> updateMatters) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T added) {
                if (addMatters.test(added)) {
                    soon();
                }
            }

            @Override
            public void onUpdate(T before, T after) {
                if (updateMatters.test(before, after)) {
                    soon();
                }
            }

            @Override
            public void onDelete(T deleted, boolean unknown) {
                soon();
            }
        };
    }

    private void soon() {
        if (roundQueued.compareAndSet(false, true)) {
            loop.schedule(this::roundQuietly, BATCH.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void roundQuietly() {
        roundQueued.set(false);
        try {
            runRound();
        } catch (RuntimeException e) {
            LOG.warnf(e, "placement round failed; the next one retries");
        }
    }

    private void runRound() {
        if (!informed) {
            return;
        }
        Instant now = clock.instant();
        List<Pod> all = pods.getStore().list();
        Map<String, Pod> byUid = new LinkedHashMap<>();
        all.forEach(p -> byUid.put(p.getMetadata().getUid(), p));
        assumed.entrySet().removeIf(e -> {
            Pod pod = byUid.get(e.getKey());
            return pod == null || (pod.getSpec().getNodeName() != null && !pod.getSpec().getNodeName().isEmpty())
                    || e.getValue().at() != null && e.getValue().at().plus(ASSUME_TTL).isBefore(now);
        });
        Map<FunctionKey, SchedulingRound.Wanted> wanted = new LinkedHashMap<>();
        for (Function function : functions.getStore().list()) {
            if (FunctionValidation.actionable(function)) {
                FunctionSpec spec = FunctionMapping.resolveIgnoringUnknownPolicies(function).spec();
                // a Function on its way out keeps the room its pods hold until they go, and claims no more
                wanted.put(FunctionNames.key(function),
                        new SchedulingRound.Wanted(spec, deleting(function) ? PlacementDemand.of(0) : demand.apply(function)));
            }
        }
        Map<String, String> assumedNodes = new LinkedHashMap<>();
        assumed.forEach((uid, a) -> assumedNodes.put(uid, a.node()));
        stopping.entrySet().removeIf(e -> {
            Pod pod = byUid.get(e.getKey());
            return pod == null || SchedulingRound.markedToDeleteFirst(pod) || e.getValue().plus(ASSUME_TTL).isBefore(now);
        });
        Set<String> problems = new HashSet<>();
        WeightCaps caps = WeightCaps.of(namespaces.getStore().list(), maxWeight, problems::add);
        problems.stream().filter(p -> !badCaps.contains(p)).forEach(LOG::warn);
        badCaps = problems;
        SchedulingRound.Result result = round.run(nodes.getStore().list(), all,
                new SchedulingRound.InFlight(assumedNodes, Set.copyOf(stopping.keySet())), wanted, caps, now);

        // before any Deployment shrinks: its ReplicaSet must find the pods placement stopped marked
        markToDeleteFirst(result.deleteFirst(), now);
        Map<String, Allocation> before = allocations;
        allocations = Map.copyOf(result.allocations());
        result.allocations().forEach((group, allocation) -> {
            Allocation was = before.get(group);
            if (was == null || was.desired() != allocation.desired() || !was.byArch().equals(allocation.byArch())) {
                // a count a Deployment follows: what an operator reads to know why pods came or went
                LOG.infof("%s: %s of %d wanted (was %s): %s", group, allocation.byArch(), allocation.desired(),
                        was == null ? "nothing" : was.byArch() + " of " + was.desired(), allocation.reason());
            }
            if (!allocation.equals(was)) {
                int slash = group.indexOf('/');
                onAllocation.accept(new FunctionKey(group.substring(0, slash), group.substring(slash + 1)), allocation);
            }
        });
        for (SchedulingRound.Bind bind : result.binds()) {
            assumed.put(bind.uid(), new Assumed(bind.node(), null));
            told.remove(bind.uid());
            toBind.add(bind);
        }
        sendBindings();
        result.pendingWhy().forEach((uid, why) -> {
            Pod pod = byUid.get(uid);
            Told said = told.get(uid);
            if (pod != null && (said == null || !now.isBefore(said.at().plus(said.why().equals(why) ? STILL_PENDING_RETELL : RETELL)))) {
                told.put(uid, new Told(why, now));
                reports.execute(() -> unschedulable(pod, why, now));
            }
        });
        told.keySet().retainAll(byUid.keySet());
        LOG.debugf("round: %d pods, %d pending left, %d bound now, %d ms", all.size(), result.pendingWhy().size(), result.binds().size(),
                Duration.between(now, clock.instant()).toMillis());
    }

    /** Sends queued bindings while fewer than {@link #BIND_CONCURRENCY} are on their way. */
    private void sendBindings() {
        while (!toBind.isEmpty()) {
            int sending = binding.get();
            if (sending >= BIND_CONCURRENCY) {
                return;
            }
            if (binding.compareAndSet(sending, sending + 1)) {
                SchedulingRound.Bind next = toBind.poll();
                if (next == null) {
                    binding.decrementAndGet();
                } else {
                    bind(next);
                }
            }
        }
    }

    /** A pod's address on the API server, for the requests the binder's client sends itself. */
    private String podUri(String namespace, String pod) {
        return client.getMasterUrl().toString().replaceAll("/$", "") + "/api/v1/namespaces/" + namespace + "/pods/" + pod;
    }

    /** POST pods/{name}/binding, as kube-scheduler binds; a refusal drops the assumption and the next round retries. */
    private void bind(SchedulingRound.Bind bind) {
        String body = client.getKubernetesSerialization().asJson(Map.of("apiVersion", "v1", "kind", "Binding",
                "metadata", Map.of("name", bind.pod(), "namespace", bind.namespace(), "uid", bind.uid()),
                "target", Map.of("apiVersion", "v1", "kind", "Node", "name", bind.node())));
        HttpRequest request = binder.getHttpClient().newHttpRequestBuilder()
                .uri(podUri(bind.namespace(), bind.pod()) + "/binding")
                .post("application/json", body).build();
        binder.getHttpClient().sendAsync(request, String.class).whenComplete((HttpResponse<String> response, Throwable error) -> {
            binding.decrementAndGet();
            sendBindings();
            if (error == null && response.code() < 300) {
                Instant at = clock.instant();
                assumed.computeIfPresent(bind.uid(), (uid, a) -> new Assumed(a.node(), at));
                reports.execute(() -> event(bind.namespace(), bind.pod(), bind.uid(), "Normal", "Scheduled",
                        "Successfully assigned " + bind.namespace() + "/" + bind.pod() + " to " + bind.node(), at));
            } else {
                assumed.remove(bind.uid());
                String why = error != null ? error.getMessage() : response.code() + " " + response.body();
                if (error == null && (response.code() == 404 || response.code() == 409)) {
                    // the pod went, or was bound meanwhile: the next round sees it
                    LOG.debugf("binding %s/%s to %s failed: %s", bind.namespace(), bind.pod(), bind.node(), why);
                } else {
                    LOG.warnf("binding %s/%s to %s failed: %s", bind.namespace(), bind.pod(), bind.node(), why);
                }
                soon();
            }
        });
    }

    /**
     * Merge patches of the pods' deletion cost, all sent at once and awaited (a round stopping a
     * hundred pods sent them one after another); one that fails leaves the ReplicaSet its own choice,
     * and is tried next round.
     */
    private void markToDeleteFirst(List<SchedulingRound.PodRef> pods, Instant now) {
        if (pods.isEmpty()) {
            return;
        }
        pods.forEach(pod -> stopping.put(pod.uid(), now));
        LOG.infof("stopping %d pod(s) for room: %s", pods.size(),
                String.join(", ", pods.stream().map(p -> p.namespace() + "/" + p.name()).toList()));
        String patch = client.getKubernetesSerialization().asJson(Map.of("metadata", Map.of("annotations",
                Map.of(SchedulingRound.DELETION_COST, SchedulingRound.DELETE_FIRST))));
        CompletableFuture<?>[] marks = pods.stream().map(pod -> binder.getHttpClient()
                .sendAsync(binder.getHttpClient().newHttpRequestBuilder()
                        .uri(podUri(pod.namespace(), pod.name()))
                        .patch(PatchType.JSON_MERGE.getContentType(), patch).build(), String.class)
                .whenComplete((response, error) -> {
                    if (error != null || response.code() >= 300) {
                        stopping.remove(pod.uid()); // the next round stops it again
                        LOG.debugf("could not mark %s/%s to be removed first: %s", pod.namespace(), pod.name(),
                                error != null ? error.getMessage() : response.code() + " " + response.body());
                    }
                })).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(marks).get(MARKED_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.debugf("marking %d pod(s) to be removed first: %s", pods.size(), e.getMessage());
        }
    }

    private void unschedulable(Pod pod, String why, Instant now) {
        String time = TIME.format(now.truncatedTo(ChronoUnit.SECONDS));
        try {
            String patch = client.getKubernetesSerialization().asJson(Map.of("status", Map.of("conditions", List.of(Map.of(
                    "type", "PodScheduled", "status", "False", "reason", "Unschedulable", "message", why, "lastTransitionTime", time)))));
            client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).subresource("status")
                    .patch(PatchContext.of(PatchType.STRATEGIC_MERGE), patch);
            createEvent(pod.getMetadata().getNamespace(), pod.getMetadata().getName(), pod.getMetadata().getUid(), "Warning", "FailedScheduling",
                    why, now);
        } catch (RuntimeException e) {
            told.remove(pod.getMetadata().getUid()); // said again next round
            LOG.debugf("could not report %s/%s as unschedulable: %s", pod.getMetadata().getNamespace(), pod.getMetadata().getName(), e.getMessage());
        }
    }

    /** An Event on the pod, as kube-scheduler writes them ({@code Scheduled}, {@code FailedScheduling}); one that cannot be written is let go. */
    private void event(String namespace, String pod, String uid, String type, String reason, String message, Instant at) {
        try {
            createEvent(namespace, pod, uid, type, reason, message, at);
        } catch (RuntimeException e) {
            LOG.debugf("could not write the %s event of %s/%s: %s", reason, namespace, pod, e.getMessage());
        }
    }

    private void createEvent(String namespace, String pod, String uid, String type, String reason, String message, Instant at) {
        String time = TIME.format(at.truncatedTo(ChronoUnit.SECONDS));
        client.v1().events().inNamespace(namespace).resource(new EventBuilder()
                .withNewMetadata().withGenerateName(pod + ".").withNamespace(namespace).endMetadata()
                .withInvolvedObject(new ObjectReferenceBuilder().withApiVersion("v1").withKind("Pod")
                        .withNamespace(namespace).withName(pod).withUid(uid).build())
                .withType(type).withReason(reason).withMessage(message)
                .withFirstTimestamp(time).withLastTimestamp(time).withCount(1)
                .withNewSource().withComponent(NAME).withHost(identity).endSource()
                .withReportingComponent(NAME).withReportingInstance(identity)
                .build()).create();
    }

    @Override
    public synchronized void close() {
        toBind.clear();
        loop.shutdownNow();
        reports.shutdownNow();
        binder.close();
        for (SharedIndexInformer<?> informer : Arrays.asList(nodes, pods, functions)) {
            if (informer != null) {
                informer.close();
            }
        }
    }
}
