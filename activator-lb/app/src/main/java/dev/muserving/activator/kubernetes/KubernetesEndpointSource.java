package dev.muserving.activator.kubernetes;

import dev.muserving.api.FunctionDuration;
import dev.muserving.api.FunctionKey;
import dev.muserving.api.v1alpha1.Function;
import dev.muserving.api.v1alpha1.FunctionNames;
import dev.muserving.dataplane.activator.EndpointSource;
import dev.muserving.dataplane.activator.FunctionRoute;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Functions and their ready pods from the API server: informers on Function resources, on the
 * EndpointSlices of the Services the operator made, and on Nodes (for each pod's architecture).
 * Every change delivers the whole table again ({@link RouteTable}); changes that come together
 * are delivered once.
 */
public final class KubernetesEndpointSource implements EndpointSource {

    /** Changes this close together are delivered as one. */
    private static final long COALESCE_MILLIS = 20;

    private final KubernetesClient client;
    private final Consumer<String> problems;
    private final Consumer<String> told;
    private Map<FunctionKey, String> settings = Map.of();
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mu-endpoints-kubernetes");
        t.setDaemon(true);
        return t;
    });
    private static final Duration SYNC_TIMEOUT = Duration.ofSeconds(60);
    /** How often the watches are looked at; one down at two looks in a row is said (a watch the API server ends is soon made again). */
    private static final Duration WATCH_CHECK = Duration.ofSeconds(5);

    private final RouteTable table = new RouteTable();
    private final AtomicBoolean queued = new AtomicBoolean();
    private final CompletableFuture<Void> synced = new CompletableFuture<>();
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
    private Set<String> saidProblems = Set.of();
    private SharedIndexInformer<Function> functions;
    private SharedIndexInformer<EndpointSlice> slices;
    private SharedIndexInformer<Node> nodes;
    private volatile Consumer<List<FunctionRoute>> onChange;
    /** By informer: looks in a row at which it was not watching. */
    private final Map<SharedIndexInformer<?>, Integer> downLooks = new HashMap<>();
    private volatile boolean watching = true;

    /**
     * @param problems told once about each Function or endpoint left out, and why
     * @param told one line when a function's settings take effect here (routing, SLO, limits)
     */
    public KubernetesEndpointSource(KubernetesClient client, Consumer<String> problems, Consumer<String> told) {
        this.client = client;
        this.problems = problems;
        this.told = told;
    }

    /**
     * Starts the informers on this source's own thread (never the caller's: it may be an event loop
     * the Kubernetes client needs) and delivers the first table once they hold what the API server
     * has; {@link #awaitSynced} waits for that.
     */
    @Override
    public void start(Consumer<List<FunctionRoute>> onChange) {
        this.onChange = onChange;
        ResourceEventHandler<Object> changed = new ResourceEventHandler<>() {
            @Override
            public void onAdd(Object added) {
                soon();
            }

            @Override
            public void onUpdate(Object before, Object after) {
                soon();
            }

            @Override
            public void onDelete(Object deleted, boolean unknown) {
                soon();
            }
        };
        functions = client.resources(Function.class).inAnyNamespace().runnableInformer(0);
        slices = client.discovery().v1().endpointSlices().inAnyNamespace().withLabel(FunctionNames.MANAGED_BY, FunctionNames.OPERATOR)
                .runnableInformer(0);
        nodes = client.nodes().runnableInformer(0);
        for (SharedIndexInformer<?> informer : List.of(functions, slices, nodes)) {
            @SuppressWarnings("unchecked")
            SharedIndexInformer<Object> any = (SharedIndexInformer<Object>) informer;
            any.addEventHandler(changed);
            informers.add(informer);
        }
        worker.execute(() -> {
            try {
                for (SharedIndexInformer<?> informer : informers) {
                    informer.start().toCompletableFuture().get(SYNC_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                }
                deliver();
                synced.complete(null);
                worker.scheduleWithFixedDelay(this::lookAtWatches, WATCH_CHECK.toMillis(), WATCH_CHECK.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                synced.completeExceptionally(new IllegalStateException("cannot read Functions, EndpointSlices and Nodes from the API server at "
                        + client.getMasterUrl() + (unreachable(cause) ? "" : " (is the Function CRD installed, and may this account list them?)")
                        + ": " + cause, e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** Waits until the first table is delivered. @throws IllegalStateException saying why it never will be */
    public void awaitSynced(Duration timeout) throws InterruptedException {
        try {
            synced.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw (IllegalStateException) e.getCause();
        } catch (TimeoutException e) {
            throw new IllegalStateException("the API server at " + client.getMasterUrl() + " did not list Functions, EndpointSlices and Nodes within "
                    + timeout.toSeconds() + " s");
        }
    }

    /** The API server was not reached at all: a refused connection, an unknown host, a time-out. */
    private static boolean unreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException || t instanceof HttpConnectTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** Whether every watch is up, as {@link #lookAtWatches} last found: while one is down, routing goes on with what was known. */
    public boolean watching() {
        return watching;
    }

    /**
     * Says when a watch goes down and when it is back, as client-go's reflector logs each failed list
     * or watch: an activator routing on a table that no longer changes looks healthy otherwise (the
     * API server unreachable, or this account's permission to watch withdrawn).
     */
    private void lookAtWatches() {
        boolean all = true;
        for (SharedIndexInformer<?> informer : informers) {
            String what = informer == functions ? "Functions" : informer == slices ? "EndpointSlices" : "Nodes";
            int before = downLooks.getOrDefault(informer, 0);
            int now = informer.isWatching() ? 0 : before + 1;
            downLooks.put(informer, now);
            if (now == 2) {
                problems.accept("the watch on " + what + " at " + client.getMasterUrl() + " is down (the API server unreachable, or this "
                        + "account no longer allowed to watch them): routing goes on with what was known, and it is tried again");
            } else if (now == 0 && before >= 2) {
                told.accept("the watch on " + what + " is up again");
            }
            all &= now < 2;
        }
        watching = all;
    }

    private void soon() {
        if (onChange != null && queued.compareAndSet(false, true)) {
            worker.schedule(this::deliver, COALESCE_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private synchronized void deliver() {
        queued.set(false);
        if (informers.stream().anyMatch(i -> !i.hasSynced())) {
            return; // the first table waits for every informer
        }
        Set<String> now = new HashSet<>();
        List<FunctionRoute> routes = table.routes(functions.getStore().list(), slices.getStore().list(), nodes.getStore().list(), now::add);
        now.stream().filter(p -> !saidProblems.contains(p)).forEach(problems);
        saidProblems = now;
        Map<FunctionKey, String> applied = new HashMap<>();
        for (FunctionRoute route : routes) {
            if (route.notServed().isPresent()) {
                continue; // said among the problems
            }
            String described = String.format(Locale.ROOT, "routed by %s, SLO p99 %.0f ms, containerConcurrency %d, timeout %s s",
                    route.routing().orElse("this activator's policy"), route.spec().sloP99Ms(), route.containerConcurrency(),
                    FunctionDuration.seconds(route.timeout()));
            applied.put(route.key(), described);
            if (!described.equals(settings.get(route.key()))) {
                told.accept(route.key() + ": " + described);
            }
        }
        settings = applied;
        onChange.accept(routes);
    }

    @Override
    public void close() {
        worker.shutdownNow();
        informers.forEach(SharedIndexInformer::close);
    }
}
