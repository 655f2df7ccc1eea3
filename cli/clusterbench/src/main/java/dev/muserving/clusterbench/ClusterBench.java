package dev.muserving.clusterbench;

import dev.muserving.api.BadInputException;
import dev.muserving.api.FunctionKey;
import dev.muserving.api.PolicySet;
import dev.muserving.api.v1alpha1.Function;
import dev.muserving.bench.scenario.FunctionModel;
import dev.muserving.bench.scenario.Scenario;
import dev.muserving.bench.sim.RunResult;
import dev.muserving.emulate.Replay;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code mu bench --mode cluster}: a scenario replayed in real time through Mu on a Kubernetes
 * cluster (the ingress, the activator-lb, the controller's autoscaler and scheduler, pods that
 * really run), measured into the same {@link RunResult} as the simulator and {@code --mode emulate}.
 *
 * <p>Each system gets a fresh namespace of its own (labelled {@value #BENCH_LABEL}, deleted after
 * the run), its Functions annotated with the system's routing and autoscaling policies. Placement is
 * whatever the cluster's controller runs (Mu's scheduler unless it was started with
 * {@code default-scheduler}): it is said in the log, not switched per system.
 */
public final class ClusterBench {

    public static final String DEFAULT_IMAGE = "ghcr.io/muserving/emulated-function:0.1.0";
    static final String BENCH_LABEL = "muserving.dev/bench";
    private static final Duration WARM_WITHIN = Duration.ofSeconds(180);
    private static final Duration GONE_WITHIN = Duration.ofSeconds(120);

    private final KubernetesClient client;
    private final URI ingress;
    private final String namespace;
    private final String image;
    private final Consumer<String> log;

    public ClusterBench(KubernetesClient client, URI ingress, String namespace, String image, Consumer<String> log) {
        this.client = client;
        this.ingress = ingress;
        this.namespace = namespace;
        this.image = image;
        this.log = log;
    }

    /** Refuses to start, naming what is missing or in the way, before anything is created. */
    public void check(List<PolicySet> systems) {
        try {
            if (client.apiextensions().v1().customResourceDefinitions().withName("functions.muserving.dev").get() == null) {
                throw new BadInputException("the cluster at " + client.getMasterUrl() + " has no Function CRD: install Mu first "
                        + "(deploy/testenv/testenv.sh up --with-mu, or the chart)");
            }
        } catch (KubernetesClientException e) {
            throw new BadInputException("cannot reach the cluster at " + client.getMasterUrl() + ": " + e.getMessage(), e);
        }
        IngressCheck.requireActivator(ingress);
        for (PolicySet system : systems) {
            Namespace existing = client.namespaces().withName(namespaceOf(system)).get();
            if (existing != null && (existing.getMetadata().getLabels() == null || !existing.getMetadata().getLabels().containsKey(BENCH_LABEL))) {
                throw new BadInputException("namespace " + namespaceOf(system) + " exists and is not a bench namespace (no label "
                        + BENCH_LABEL + "); pass another --namespace");
            }
        }
    }

    /** The namespace a system's run uses: {@code <namespace>-<system>}. */
    String namespaceOf(PolicySet system) {
        return namespace + "-" + system.name().replaceAll("[^a-z0-9-]", "-");
    }

    public RunResult run(Scenario scenario, PolicySet system, double maxSeconds) {
        String ns = namespaceOf(system);
        deleteAndAwaitGone(ns);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).addToLabels(BENCH_LABEL, system.name())
                .endMetadata().build()).create();
        try (ClusterTarget target = new ClusterTarget(client, ingress, ns)) {
            List<FunctionKey> keys = new ArrayList<>();
            Map<FunctionKey, Integer> warm = new LinkedHashMap<>();
            List<FunctionModel> models = scenario.functions();
            for (int i = 0; i < models.size(); i++) {
                Function function = ScenarioFunctions.of(models.get(i), i, scenario.seed(), ns, image, system);
                client.resource(function).create();
                FunctionKey key = new FunctionKey(ns, models.get(i).name());
                keys.add(key);
                warm.put(key, models.get(i).spec().startingReplicas());
            }
            Replay replay = new Replay(scenario, system.name(), maxSeconds, log);
            replay.awaitWarm(target, warm, WARM_WITHIN, "see kubectl -n " + ns + " get fn,pods and the controller's log");
            log.accept("placement: " + schedulers(ns) + " (the cluster's; --mode cluster does not switch it per system)");
            return replay.run(target, keys);
        } finally {
            deleteAndAwaitGone(ns);
        }
    }

    private String schedulers(String ns) {
        return client.pods().inNamespace(ns).list().getItems().stream().map(Pod::getSpec).map(s -> s.getSchedulerName())
                .distinct().map(name -> "pods bound by " + name).reduce((a, b) -> a + ", " + b).orElse("no pods");
    }

    private void deleteAndAwaitGone(String ns) {
        if (client.namespaces().withName(ns).get() == null) {
            return;
        }
        log.accept("cluster: deleting namespace " + ns);
        client.namespaces().withName(ns).delete();
        try {
            client.namespaces().withName(ns).waitUntilCondition(Objects::isNull, GONE_WITHIN.toSeconds(), TimeUnit.SECONDS);
        } catch (KubernetesClientTimeoutException e) {
            log.accept("cluster: namespace " + ns + " still terminating after " + GONE_WITHIN.toSeconds() + " s; going on");
        }
    }
}
