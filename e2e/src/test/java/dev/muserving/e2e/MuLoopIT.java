package dev.muserving.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.muserving.api.BadInputException;
import dev.muserving.api.PolicySet;
import dev.muserving.api.PolicySets;
import dev.muserving.api.testing.JavaApp;
import dev.muserving.api.testing.KubernetesControlPlane;
import dev.muserving.api.testing.KubernetesControlPlane.Cluster;
import dev.muserving.api.testing.KubernetesControlPlane.Nodes;
import dev.muserving.api.testing.Programs;
import dev.muserving.api.v1alpha1.Function;
import dev.muserving.bench.input.ScenarioLoader;
import dev.muserving.bench.scenario.Scenario;
import dev.muserving.bench.sim.RunResult;
import dev.muserving.clusterbench.ClusterBench;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Mu loop on a real control plane, with pods that really run (process nodes): the examples
 * applied with kubectl and called through the activator-lb; a load step that the autoscaler follows
 * up and back down to zero; the controller killed under load; settings changed on a live Function;
 * two functions contending for a node; a scenario replayed through it as {@code mu bench --mode cluster} does.
 */
@ExtendWith(KubernetesControlPlane.class)
@Nodes(kwok = "none", process = "amd64=1,arm64=1")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MuLoopIT {

    private static final Duration CONVERGE = Duration.ofSeconds(90);
    private static final Path OUT = Path.of("target/e2e");
    private static MuOnTheCluster mu;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void startMu(Cluster cluster) {
        mu = new MuOnTheCluster(cluster);
        cluster.kubectl("apply", "-f", MuOnTheCluster.repository().resolve("examples").toString());
    }

    @AfterAll
    static void stopMu() {
        if (mu != null) {
            mu.cluster.tryKubectl("delete", "namespace", "demo", "--wait=false");
            mu.close();
        }
    }

    /** A GET of a function through another replica's port. */
    private HttpResponse<String> callThrough(int port, String function) throws Exception {
        return get(port, "/fn/demo/" + function + "/");
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> call(String function, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(mu.ingress() + "/fn/demo/" + function + "/"))
                .timeout(Duration.ofSeconds(60));
        request = body == null ? request.GET() : request.POST(HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A request naming its function by Host, as a browser or curl on {@code *.mu.localhost} sends it. */
    private String byHost(String host) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", mu.ingressPort)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Optional<Condition> condition(Function fn, String type) {
        return fn == null || fn.getStatus() == null || fn.getStatus().conditions == null ? Optional.empty()
                : fn.getStatus().conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    private static int desired(String name) {
        Function fn = mu.function("demo", name);
        return fn.getStatus() == null || fn.getStatus().replicas == null || fn.getStatus().replicas.desired == null ? -1
                : fn.getStatus().replicas.desired;
    }

    private static int ready(String name) {
        return readyOf(mu.function("demo", name));
    }

    @Test
    @Order(1)
    void theExamplesAnswerThroughTheIngressAndAFunctionAtZeroServesItsFirstRequest() throws Exception {
        for (String name : List.of("echo", "resize")) {
            await(name + " ready").atMost(CONVERGE).until(() -> condition(mu.function("demo", name), "Ready")
                    .map(c -> "True".equals(c.getStatus())).orElse(false) && ready(name) >= 1);
        }
        HttpResponse<String> echo = call("echo", "hello");
        assertThat(echo.statusCode()).isEqualTo(200);
        assertThat(echo.body()).contains("hello");
        assertThat(call("resize", null).statusCode()).isEqualTo(200);
        assertThat(byHost("resize.demo." + MuOnTheCluster.DOMAIN + ":" + mu.ingressPort)).startsWith("HTTP/1.1 200");
        assertThat(mu.function("demo", "echo").getStatus().url).isEqualTo("http://echo.demo." + MuOnTheCluster.DOMAIN + ":" + mu.ingressPort);
        // each ran as its own service account with the shipped rules, and was refused nothing
        assertThat(mu.controller.log()).doesNotContain("is forbidden: User");
        assertThat(mu.activator.log()).doesNotContain("is forbidden: User");

        await("webhook at zero").atMost(CONVERGE).until(() -> desired("webhook") == 0 && ready("webhook") == 0);
        try (ColdStartTimeline timeline = new ColdStartTimeline(mu.client, "demo", "webhook")) {
            HttpResponse<String> cold = call("webhook", null);
            timeline.mark("answered");
            assertThat(cold.statusCode()).isEqualTo(200);
            assertThat(desired("webhook")).isGreaterThanOrEqualTo(1);
            await("every step seen").atMost(Duration.ofSeconds(10)).until(() -> timeline.steps().size() == ColdStartTimeline.STEPS.size());
            Map<String, Double> steps = timeline.steps();
            // each informer sees its own stream: only the order within the pod's steps and the answer's place are certain
            assertThat(List.of(steps.get("pod created"), steps.get("pod bound"), steps.get("pod ready"), steps.get("answered"))).isSorted();
            assertThat(steps.get("answered")).isEqualTo(java.util.Collections.max(steps.values()));
            Files.createDirectories(OUT);
            Files.writeString(OUT.resolve("cold-start.txt"), "webhook from zero, through the whole loop\n\n" + timeline.report());
            System.out.println(timeline.report());
        }
    }

    @Test
    @Order(2)
    void aLoadStepIsFollowedUpAndBackDownToZero() throws Exception {
        await("webhook at zero").atMost(CONVERGE).until(() -> desired("webhook") == 0);
        List<OpenLoop.Phase> phases = List.of(new OpenLoop.Phase(5, Duration.ofSeconds(15)), new OpenLoop.Phase(40, Duration.ofSeconds(45)),
                new OpenLoop.Phase(5, Duration.ofSeconds(15)));
        Map<Integer, int[]> replicas = new ConcurrentSkipListMap<>();
        long start = System.nanoTime();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(() -> replicas.put((int) ((System.nanoTime() - start) / 1_000_000_000L),
                new int[] {desired("webhook"), ready("webhook")}), 0, 1, TimeUnit.SECONDS);
        List<OpenLoop.Outcome> outcomes;
        try (OpenLoop load = new OpenLoop()) {
            outcomes = load.run(URI.create(mu.ingress() + "/fn/demo/webhook/"), phases);
            await("back to zero").atMost(Duration.ofSeconds(120)).until(() -> desired("webhook") == 0 && ready("webhook") == 0);
        } finally {
            sampler.shutdownNow();
        }
        Map<Integer, Double> p99 = OpenLoop.p99BySecond(outcomes);
        List<TimelineSvg.Second> timeline = new ArrayList<>();
        int peak = 0;
        for (Map.Entry<Integer, int[]> second : replicas.entrySet()) {
            int t = second.getKey();
            int offered = t < 15 ? 5 : t < 60 ? 40 : t < 75 ? 5 : 0;
            timeline.add(new TimelineSvg.Second(t, offered, Math.max(0, second.getValue()[0]), second.getValue()[1], p99.get(t)));
            if (t >= 15 && t < 60) {
                peak = Math.max(peak, second.getValue()[0]);
            }
        }
        Map<String, Long> failures = OpenLoop.failures(outcomes);
        Files.createDirectories(OUT);
        Files.writeString(OUT.resolve("load-step.svg"), TimelineSvg.render(
                "webhook (100 ms, 2 at once per pod): 5 → 40 → 5 rps, then idle; Mu's autoscaler on process nodes",
                timeline, Map.of("requests", outcomes.size() + ", not 200: " + (failures.isEmpty() ? "none" : failures))));
        StringBuilder csv = new StringBuilder("second,offered_rps,desired,ready,p99_ms\n");
        timeline.forEach(s -> csv.append(s.second()).append(',').append(s.offeredRps()).append(',').append(s.desired()).append(',')
                .append(s.ready()).append(',').append(s.p99Millis() == null ? "" : String.format(java.util.Locale.ROOT, "%.1f", s.p99Millis()))
                .append('\n'));
        Files.writeString(OUT.resolve("load-step.csv"), csv);

        assertThat(peak).as("replicas wanted under 40 rps").isGreaterThanOrEqualTo(2);
        // A request sent to a pod as it is scaled down can still be lost (the data-plane issue on dying
        // pods); it must stay rare, and it is in the picture and the log when it happens.
        long failed = failures.values().stream().mapToLong(Long::longValue).sum();
        System.out.println("load step: " + outcomes.size() + " requests, not 200: " + failures);
        assertThat(failed).as("requests that did not get a 200: %s", failures).isLessThanOrEqualTo(outcomes.size() / 100);
        List<Event> events = mu.client.v1().events().inNamespace("demo").list().getItems().stream()
                .filter(e -> "webhook".equals(e.getInvolvedObject().getName()) && "Scaled".equals(e.getReason())).toList();
        assertThat(events).isNotEmpty();
    }

    @Test
    @Order(3)
    void theControllerKilledUnderLoadCostsNoRequestAndTheLoopComesBack() throws Exception {
        CompletableFuture<List<OpenLoop.Outcome>> loadDone;
        try (OpenLoop load = new OpenLoop()) {
            loadDone = CompletableFuture.supplyAsync(() -> {
                try {
                    return load.run(URI.create(mu.ingress() + "/fn/demo/echo/"), List.of(new OpenLoop.Phase(20, Duration.ofSeconds(30))));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            await().pollDelay(Duration.ofSeconds(5)).until(() -> true);
            mu.controller.kill();
            mu.controller = mu.startController();
            List<OpenLoop.Outcome> outcomes = loadDone.get(120, TimeUnit.SECONDS);
            assertThat(OpenLoop.failures(outcomes)).as("requests that did not get a 200").isEmpty();
        }
        // the latencies the activator-lb measured reach the status against echo's SLO (50 ms)
        await("echo's SLO verdict").atMost(CONVERGE).until(() -> condition(mu.function("demo", "echo"), "SLOMet")
                .map(c -> !"Unknown".equals(c.getStatus())).orElse(false));
        assertThat(condition(mu.function("demo", "echo"), "SLOMet").orElseThrow().getMessage()).matches("p99 \\d+ ms [≤>] SLO 50 ms .*");
        assertThat(mu.function("demo", "echo").getStatus().byArchitecture.values()).anyMatch(a -> a.serviceRate != null && a.serviceRate > 0);
        await("the activator-lb reconnects").atMost(CONVERGE).until(() -> mu.controller.log().contains("metric stream: activator-lb-0 joined"));
        // the new controller decides on what the stream tells it: a request at zero brings a pod again
        await("webhook at zero").atMost(CONVERGE).until(() -> desired("webhook") == 0);
        assertThat(call("webhook", null).statusCode()).isEqualTo(200);
    }

    @Test
    @Order(4)
    void anActivatorReplicaStoppedUnderLoadLosesNoRequest() throws Exception {
        int port = MuOnTheCluster.freePort();
        int admin = MuOnTheCluster.freePort();
        JavaApp second = mu.startActivator("activator-lb-1", port, admin);
        await("both replicas stream").atMost(CONVERGE).until(() -> mu.controller.log().contains("metric stream: activator-lb-1 joined"));
        try (ReadinessBalancer lb = new ReadinessBalancer(Map.of(mu.ingressPort, mu.activatorAdminPort, port, admin));
                OpenLoop load = new OpenLoop()) {
            CompletableFuture<List<OpenLoop.Outcome>> done = CompletableFuture.supplyAsync(() -> {
                try {
                    return load.run(() -> lb.next("/fn/demo/echo/"), List.of(new OpenLoop.Phase(30, Duration.ofSeconds(20))));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            await().pollDelay(Duration.ofSeconds(5)).until(() -> true);
            assertThat(lb.servedBy(port)).as("requests through the second replica before it stops").isPositive();
            second.close(); // SIGTERM, as Kubernetes stops a pod
            List<OpenLoop.Outcome> outcomes = done.get(120, TimeUnit.SECONDS);
            assertThat(OpenLoop.failures(outcomes)).as("requests that did not get a 200").isEmpty();
        }
        assertThat(second.log()).contains("not ready, serving on for");
    }

    @Test
    @Order(5)
    void droppingTheArchitectureAFunctionRunsOnHandsItsTrafficOverWithoutAGap() throws Exception {
        // echo keeps one pod (min 1) on one of the two architectures; it is told to run on the other only
        await("echo ready").atMost(CONVERGE).until(() -> readyPods("echo").size() >= 1);
        String from = readyPods("echo").get(0).getMetadata().getLabels().get("muserving.dev/arch");
        String to = "amd64".equals(from) ? "arm64" : "amd64";
        AtomicInteger fewestReady = new AtomicInteger(Integer.MAX_VALUE);
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        List<OpenLoop.Outcome> outcomes;
        try (OpenLoop load = new OpenLoop(); Closeable restore = () -> mu.cluster.tryKubectl("-n", "demo", "patch", "fn", "echo",
                "--type=json", "-p", "[{\"op\":\"remove\",\"path\":\"/spec/architectures\"}]")) {
            CompletableFuture<List<OpenLoop.Outcome>> done = CompletableFuture.supplyAsync(() -> {
                try {
                    return load.run(URI.create(mu.ingress() + "/fn/demo/echo/"), List.of(new OpenLoop.Phase(20, Duration.ofSeconds(30))));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            await().pollDelay(Duration.ofSeconds(3)).until(() -> true);
            sampler.scheduleAtFixedRate(() -> fewestReady.accumulateAndGet(readyPods("echo").size(), Math::min), 0, 100, TimeUnit.MILLISECONDS);
            mu.cluster.kubectl("-n", "demo", "patch", "fn", "echo", "--type=merge", "-p", "{\"spec\":{\"architectures\":[\"" + to + "\"]}}");
            await("echo-" + from + " gone").atMost(CONVERGE).until(() ->
                    mu.client.apps().deployments().inNamespace("demo").withName("echo-" + from).get() == null);
            outcomes = done.get(120, TimeUnit.SECONDS);
            sampler.shutdownNow();
            double slowest = outcomes.stream().mapToDouble(OpenLoop.Outcome::millis).max().orElse(0);
            System.out.println("architecture switch " + from + " → " + to + ": " + outcomes.size() + " requests, slowest " + slowest
                    + " ms, fewest ready pods " + fewestReady.get());
            assertThat(readyPods("echo")).isNotEmpty()
                    .allSatisfy(p -> assertThat(p.getMetadata().getLabels()).containsEntry("muserving.dev/arch", to));
            // until 2026-12-05 echo-<from> went at once, and the requests waited in the activator-lb for the new pod's cold start
            assertThat(fewestReady.get()).as("ready pods of echo at the worst moment of the switch").isPositive();
            assertThat(OpenLoop.failures(outcomes)).as("requests that did not get a 200").isEmpty();
        } finally {
            sampler.shutdownNow();
        }
        await("echo on both architectures again").atMost(CONVERGE).until(() -> condition(mu.function("demo", "echo"), "Ready")
                .map(c -> "True".equals(c.getStatus())).orElse(false) && mu.function("demo", "echo").getStatus().byArchitecture.size() == 2);
    }

    @Test
    @Order(6)
    void newSettingsOnALiveFunctionApplyWithoutARestartAndABadOneIsReportedByName() throws Exception {
        mu.cluster.kubectl("-n", "demo", "annotate", "--overwrite", "fn", "echo", "routing.muserving.dev/class=knative",
                "autoscaling.muserving.dev/class=knative");
        mu.cluster.kubectl("-n", "demo", "patch", "fn", "echo", "--type=merge", "-p", "{\"spec\":{\"slo\":{\"p99\":\"80ms\"}}}");
        await("the controller's autoscaler takes the new settings").atMost(CONVERGE).until(() -> mu.controller.log()
                .contains("demo/echo: autoscaled by knative, SLO p99 80 ms"));
        await("the activator-lb takes them").atMost(CONVERGE).until(() -> mu.activator.log()
                .contains("demo/echo: routed by knative, SLO p99 80 ms"));
        for (int i = 0; i < 20; i++) {
            assertThat(call("echo", "after").statusCode()).isEqualTo(200);
        }

        mu.cluster.kubectl("-n", "demo", "annotate", "--overwrite", "fn", "echo", "autoscaling.muserving.dev/class=fastest");
        await("told").atMost(CONVERGE).until(() -> condition(mu.function("demo", "echo"), "Ready")
                .map(c -> "InvalidSpec".equals(c.getReason())).orElse(false));
        assertThat(condition(mu.function("demo", "echo"), "Ready").orElseThrow().getMessage())
                .contains("metadata.annotations[autoscaling.muserving.dev/class]", "unknown policy 'fastest'");
        // what serves goes on serving, on the rest of its settings
        assertThat(call("echo", "still").statusCode()).isEqualTo(200);
        assertThat(mu.activator.log()).contains("demo/echo is served on the rest of its settings, with its routing policy: "
                + "metadata.annotations[autoscaling.muserving.dev/class]: unknown policy 'fastest'");
        // and through a replica started since (found by an outside probe: it answered 503)
        int latePort = MuOnTheCluster.freePort();
        try (JavaApp late = mu.startActivator("activator-lb-late", latePort, MuOnTheCluster.freePort())) {
            assertThat(callThrough(latePort, "echo").statusCode()).isEqualTo(200);
            assertThat(late.log()).contains("demo/echo is served on the rest of its settings");
        }

        // one made with the typo runs all the same, the controller's default policy in its place: the API server
        // stores any annotation, and until 2026-12-06 such a Function got no pods and its callers a 503
        mu.client.resource(mu.client.getKubernetesSerialization().unmarshal("""
                apiVersion: muserving.dev/v1alpha1
                kind: Function
                metadata: {name: typo, namespace: demo, annotations: {autoscaling.muserving.dev/class: fastest}}
                spec: {image: ghcr.io/muserving/examples/echo:0.1.0, architectures: [amd64], scale: {initial: 0}}
                """, Function.class)).create();
        try {
            await("woken from zero and served").atMost(CONVERGE).until(() -> call("typo", "hello").statusCode() == 200);
            assertThat(condition(mu.function("demo", "typo"), "Ready").orElseThrow().getReason()).isEqualTo("InvalidSpec");
            await("the autoscaler's word").atMost(CONVERGE).until(() -> mu.controller.log()
                    .contains("demo/typo: autoscaled by mu, SLO p99 1000 ms, min 0, max unlimited; its annotation names 'fastest', which is no policy"));
        } finally {
            mu.cluster.tryKubectl("-n", "demo", "delete", "fn", "typo");
        }
        mu.cluster.kubectl("-n", "demo", "annotate", "fn", "echo", "autoscaling.muserving.dev/class-");
        await("mended").atMost(CONVERGE).until(() -> condition(mu.function("demo", "echo"), "Ready")
                .map(c -> "True".equals(c.getStatus())).orElse(false));
    }

    /**
     * Two functions that each want 4 pods of 1.4 GiB on the one amd64 node (8 GiB): about 5 fit. With
     * weights 1 and 3, heavy gets all it wants and light the rest; every placed pod serves.
     */
    @Test
    @Order(7)
    void twoFunctionsContendingForTheNodeGetTheWeightedSplitAndServe() throws Exception {
        mu.cluster.kubectl("create", "namespace", "share");
        try {
            // heavy first. Once in a full run light held 2 pods and heavy 3 for the whole wait: most
            // likely a round saw light alone while the earlier tests' pods still held room, and no
            // pod is taken back for headroom. Whatever heavy gets alone, the fill order (the least
            // satisfied per weight first, heavy on a tie) still ends at 4 and 1.
            for (String[] fn : new String[][] {{"heavy", "3"}, {"light", "1"}}) {
                mu.client.resource(mu.client.getKubernetesSerialization().unmarshal("""
                        apiVersion: muserving.dev/v1alpha1
                        kind: Function
                        metadata: {name: %s, namespace: share}
                        spec:
                          image: ghcr.io/muserving/emulated-function:0.1.0
                          architectures: [amd64]
                          resources: {cpu: 50m, memory: 1400Mi}
                          scale: {min: 4, max: 4, initial: 4}
                          weight: %s
                        """.formatted(fn[0], fn[1]), Function.class)).create();
            }
            await("the split, served").atMost(Duration.ofSeconds(180)).until(() -> {
                Function light = mu.function("share", "light");
                Function heavy = mu.function("share", "heavy");
                return allocated(light) > 0 && allocated(heavy) == 4 && readyOf(heavy) == 4 && readyOf(light) == allocated(light)
                        && condition(light, "Scheduled").map(c -> "Contention".equals(c.getReason())).orElse(false);
            });
            Function light = mu.function("share", "light");
            int lightPods = allocated(light);
            System.out.println("contention: light (weight 1) " + lightPods + " of 4 pods, heavy (weight 3) 4 of 4; "
                    + condition(light, "Scheduled").orElseThrow().getMessage());
            assertThat(lightPods).as("light's share (weight 1 against 3)").isBetween(1, 3);
            assertThat(condition(light, "Scheduled").orElseThrow().getMessage())
                    .contains("placed " + lightPods + " of 4", "weighted fair share (weight 1)", "share/heavy 4 of 4 (weight 3)");
            // columns: NAME AGE READY ALLOCATED DESIRED SERVING URL
            assertThat(mu.cluster.kubectl("-n", "share", "get", "fn", "light")).containsPattern("light\\s+\\S+\\s+True\\s+" + lightPods + "\\s+4\\s");
            assertThat(mu.cluster.kubectl("-n", "share", "get", "fn", "heavy")).containsPattern("heavy\\s+\\S+\\s+True\\s+4\\s+4\\s");
            await("told in Events").atMost(CONVERGE).until(() -> mu.client.v1().events().inNamespace("share").list().getItems().stream()
                    .anyMatch(e -> "light".equals(e.getInvolvedObject().getName()) && "Contention".equals(e.getReason())));
            // work-conserving: what light did not get would not have fitted; nothing of it waits Pending
            assertThat(mu.client.pods().inNamespace("share").list().getItems()).allMatch(p -> p.getSpec().getNodeName() != null);
            for (String name : List.of("light", "heavy")) {
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(mu.ingress() + "/fn/share/" + name + "/"))
                        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).as(name).isEqualTo(200);
            }
        } finally {
            mu.cluster.tryKubectl("delete", "namespace", "share", "--wait=false");
        }
    }

    /** {@code mu bench --mode cluster}'s engine: a small scenario replayed through this cluster into the simulator's result. */
    @Test
    @Order(8)
    void aScenarioReplayedThroughTheClusterIsMeasuredLikeTheSimulatorsAndLeavesNothingBehind() {
        Scenario scenario = new ScenarioLoader(ScenarioLoader.StrictMode.STRICT, warning -> { }).parse("cluster-tiny", """
                name: cluster-tiny
                durationSeconds: 15
                seed: 3
                cluster:
                  podStartupSeconds: {median: 1.5, p99: 6}
                  nodes:
                    - {count: 1, arch: amd64, cpu: 4, memoryMiB: 8192}
                    - {count: 1, arch: arm64, cpu: 4, memoryMiB: 8192}
                functions:
                  - name: quick
                    arrival: {type: poisson, rps: 10}
                    serviceTimeMs: {amd64: {median: 5, p99: 10}, arm64: {median: 8, p99: 15}}
                    cpu: 100m
                    memoryMiB: 64
                    containerConcurrency: 10
                    sloP99Ms: 500
                  - name: slow
                    arrival: {type: poisson, rps: 2}
                    serviceTimeMs: {amd64: {median: 300, p99: 350}}
                    architectures: [amd64]
                    cpu: 100m
                    memoryMiB: 64
                    containerConcurrency: 2
                    sloP99Ms: 2000
                """);
        List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
        ClusterBench bench = new ClusterBench(mu.client, URI.create(mu.ingress() + "/"), "mu-bench-e2e", ClusterBench.DEFAULT_IMAGE, log::add);
        PolicySet system = PolicySets.byName(PolicySets.MU).orElseThrow();
        bench.check(List.of(system));

        RunResult result = bench.run(scenario, system, 15);

        assertThat(result.functions()).hasSize(2);
        for (RunResult.FunctionResult fn : result.functions()) {
            assertThat(fn.stats().requests()).as(fn.function().name()).isPositive();
            assertThat(fn.stats().dropped()).as(fn.function().name() + " dropped").isZero();
            assertThat(fn.stats().podSeconds()).as(fn.function().name() + " pod-seconds").isPositive();
        }
        // the scenario's service time reached the pods: slow's requests take its 300 ms
        RunResult.FunctionResult slow = result.functions().get(1);
        assertThat(slow.stats().latencyMicros().getValueAtPercentile(50)).isGreaterThanOrEqualTo(290_000);
        assertThat(log).anyMatch(line -> line.startsWith("placement: pods bound by mu-placement"));
        assertThat(mu.client.namespaces().withName("mu-bench-e2e-mu").get()).as("the run's namespace, deleted").isNull();

        // a namespace of the same name that the bench did not make is not taken over
        mu.cluster.kubectl("create", "namespace", "mu-bench-e2e-knative");
        try {
            assertThatThrownBy(() -> bench.check(List.of(PolicySets.byName(PolicySets.KNATIVE).orElseThrow())))
                    .isInstanceOf(BadInputException.class).hasMessageContaining("mu-bench-e2e-knative exists and is not a bench namespace");
        } finally {
            mu.cluster.tryKubectl("delete", "namespace", "mu-bench-e2e-knative", "--wait=false");
        }
    }

    /**
     * A real Prometheus scraping the live controller and activator-lb: every query of every
     * dashboard in deploy/dashboards parses and returns series once there is traffic, and the
     * rules evaluate (a recording rule has data; no alert fires on a healthy loop).
     */
    @Test
    @Order(9)
    void everyDashboardQueryReturnsDataFromALivePrometheusScrapingTheComponents() throws Exception {
        Assumptions.assumeTrue(Programs.onPath("prometheus"), "prometheus is not installed (Debian: apt-get install prometheus)");
        Path root = MuOnTheCluster.repository();
        try (LivePrometheus prometheus = LivePrometheus.start(List.of(
                        new LivePrometheus.Job("mu-controller", List.of("127.0.0.1:" + mu.controllerPort), "/q/metrics"),
                        new LivePrometheus.Job("mu-activator-lb", List.of("127.0.0.1:" + mu.activatorAdminPort), "/metrics")),
                root.resolve("deploy/prometheus/mu-rules.yaml"), OUT);
                OpenLoop load = new OpenLoop()) {
            await("Prometheus ready").atMost(CONVERGE).until(prometheus::ready);
            CompletableFuture<List<OpenLoop.Outcome>> traffic = CompletableFuture.supplyAsync(() -> {
                try {
                    return load.run(URI.create(mu.ingress() + "/fn/demo/resize/"), List.of(new OpenLoop.Phase(5, Duration.ofSeconds(20))));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            await("both jobs up").atMost(CONVERGE).until(() -> prometheus.query("up == 1").size() == 2);

            ObjectMapper json = new ObjectMapper();
            List<String> queries = new ArrayList<>();
            try (var files = Files.list(root.resolve("deploy/dashboards"))) {
                for (Path dashboard : files.sorted().toList()) {
                    for (JsonNode panel : json.readTree(dashboard.toFile()).path("panels")) {
                        for (JsonNode target : panel.path("targets")) {
                            queries.add(target.path("expr").asText().replace("$namespace", "demo").replace("$function", "resize"));
                        }
                    }
                }
            }
            assertThat(queries).hasSizeGreaterThan(15);
            for (String query : queries) {
                await(query).atMost(CONVERGE).until(() -> !prometheus.query(query).isEmpty());
            }
            assertThat(prometheus.query("mu:requests:rate1m{namespace=\"demo\",function=\"resize\"}")).hasSize(1);
            assertThat(prometheus.query("ALERTS{alertstate=\"firing\",alertname=\"MuActivatorDown\"}")).isEmpty();
            assertThat(OpenLoop.failures(traffic.get(60, TimeUnit.SECONDS))).isEmpty();
        }
    }

    /**
     * Found by an outside probe: an activator-lb whose watches broke (the API server unreachable, or
     * its permission withdrawn) went on routing on a table that no longer changed, without a word.
     */
    @Test
    @Order(10)
    void anActivatorCutOffFromTheApiServerSaysSoRoutesOnWhatItKnewAndCatchesUpOnceBack() throws Exception {
        URI api = URI.create(mu.apiServer());
        int port = MuOnTheCluster.freePort();
        int admin = MuOnTheCluster.freePort();
        // one pod that placement has no reason to move while the replica cannot see it move: echo's pod once
        // moved off amd64 for the functions confined there, and the cut replica's call met the stopped pod (502)
        mu.client.resource(mu.client.getKubernetesSerialization().unmarshal("""
                apiVersion: muserving.dev/v1alpha1
                kind: Function
                metadata: {name: steady, namespace: demo}
                spec: {image: ghcr.io/muserving/examples/echo:0.1.0, architectures: [arm64], scale: {min: 1, max: 1}}
                """, Function.class)).create();
        try (CuttableRelay relay = new CuttableRelay(api.getHost(), api.getPort());
                JavaApp cut = mu.startActivator("activator-lb-cut", port, admin, "https://" + api.getHost() + ":" + relay.port())) {
            await("steady serves").atMost(CONVERGE).until(() -> callThrough(port, "steady").statusCode() == 200);
            relay.cut();
            await("the watch said to be down").atMost(CONVERGE).until(() -> cut.log().contains("the watch on Functions at"));
            assertThat(get(admin, "/metrics").body()).contains("mu_kubernetes_watching 0.0");
            assertThat(callThrough(port, "steady").statusCode()).as("routed on what it knew").isEqualTo(200);

            relay.mend();
            await("the watch said to be up").atMost(CONVERGE).until(() -> cut.log().contains("the watch on Functions is up again"));
            mu.cluster.kubectl("-n", "demo", "annotate", "--overwrite", "fn", "resize", "routing.muserving.dev/class=linucb");
            await("a change made since reaches it").atMost(CONVERGE).until(() -> cut.log().contains("demo/resize: routed by linucb"));
            assertThat(get(admin, "/metrics").body()).contains("mu_kubernetes_watching 1.0");
        } finally {
            mu.cluster.tryKubectl("-n", "demo", "annotate", "fn", "resize", "routing.muserving.dev/class-");
            mu.cluster.tryKubectl("-n", "demo", "delete", "fn", "steady");
        }
    }

    private static int allocated(Function fn) {
        return fn == null || fn.getStatus() == null || fn.getStatus().replicas == null || fn.getStatus().replicas.allocated == null ? -1
                : fn.getStatus().replicas.allocated;
    }

    /** The function's pods that are ready and not on their way out. */
    private static List<Pod> readyPods(String function) {
        return mu.client.pods().inNamespace("demo").withLabel("muserving.dev/function", function).list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null && p.getStatus() != null && p.getStatus().getConditions() != null
                        && p.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())))
                .toList();
    }

    private static int readyOf(Function fn) {
        return fn == null || fn.getStatus() == null || fn.getStatus().replicas == null || fn.getStatus().replicas.ready == null ? 0
                : fn.getStatus().replicas.ready;
    }
}
