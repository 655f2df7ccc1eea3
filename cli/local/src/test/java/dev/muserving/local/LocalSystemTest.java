package dev.muserving.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.muserving.api.BadInputException;
import dev.muserving.api.testing.Repository;
import java.net.InetAddress;
import java.net.ServerSocket;
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
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mu local} on the shipped examples: real processes, real HTTP over loopback, Mu's
 * autoscaler and placement over two emulated nodes.
 */
class LocalSystemTest {

    private static final Duration POD_START = Duration.ofSeconds(60);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private LocalSystem system;

    @TempDir
    Path logs;

    @AfterEach
    void stop() {
        if (system != null) {
            system.close();
        }
    }

    private LocalSystem start() throws Exception {
        return start(LocalPolicies.mu());
    }

    private LocalSystem start(LocalPolicies policies) throws Exception {
        List<LocalFunction> examples = new FunctionWatcher(List.of(Repository.path("examples")), fns -> { }, log::add).load();
        assertThat(log).noneMatch(line -> line.startsWith("error"));
        assertThat(examples).extracting(f -> f.key().toString()).contains("demo/echo", "demo/resize", "demo/webhook");
        List<LocalNode> nodes = LocalNode.parse("amd64=1,arm64=1", 2000, 4096, LocalNode.DEFAULT_SPEED);
        system = LocalSystem.start(policies, "127.0.0.1", 0, 0, nodes, logs, examples, log::add);
        return system;
    }

    private HttpResponse<String> call(String function, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + system.port() + "/fn/demo/" + function))
                .timeout(Duration.ofSeconds(30));
        request = body == null ? request.GET() : request.POST(HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private int ready(String function) {
        LocalSystem.PodCounts counts = system.podCounts().get("demo/" + function);
        return counts == null ? 0 : counts.ready();
    }

    @Test
    void theExamplesServeAFunctionAtZeroScalesUpForItsFirstRequestAndAClosedSystemLeavesNoProcess() throws Exception {
        start();
        await("echo's first pod").atMost(POD_START).until(() -> ready("echo") >= 1);
        HttpResponse<String> echo = call("echo", "hello");
        assertThat(echo.statusCode()).isEqualTo(200);
        assertThat(echo.body()).isEqualTo("hello");
        assertThat(echo.headers().map().keySet()).noneMatch(name -> name.toLowerCase().startsWith("mu-"));

        // the webhook starts at zero: its first request waits in the activator-lb for a pod
        assertThat(ready("webhook")).isZero();
        assertThat(call("webhook", null).statusCode()).isEqualTo(200);
        // a pod was started for it (whether it still counts as ready a moment later is the autoscaler's business)
        assertThat(system.podsStarted("demo/webhook")).isGreaterThanOrEqualTo(1);

        assertThat(call("missing", null).statusCode()).isEqualTo(404);
        // or by Host header, as on a cluster (the JDK client may not set Host, so a plain socket does)
        try (Socket socket = new Socket("127.0.0.1", system.port())) {
            socket.getOutputStream().write("POST /anything HTTP/1.1\r\nHost: echo.demo.example.com\r\nContent-Length: 3\r\nConnection: close\r\n\r\nhey"
                    .getBytes(StandardCharsets.US_ASCII));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.1 200").endsWith("hey");
        }
        String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + system.metricsPort() + "/metrics"))
                        .timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("mu_requests_total{code=\"200\",function=\"echo\",namespace=\"demo\"} 2.0");

        List<Long> pids = system.processIds();
        assertThat(pids).hasSizeGreaterThanOrEqualTo(3);
        system.close();
        system = null;
        assertThat(pids).allSatisfy(pid -> assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                .as("process %d after close", pid).isFalse());
    }

    @Test
    void anyCommandServingPortRunsAsAPodAndOneRemovedWhileStartingLeavesNoProcess() throws Exception {
        String python = """
                apiVersion: muserving.dev/v1alpha1
                kind: Function
                metadata: {name: %s, namespace: demo}
                spec:
                  image: python:3
                  resources: {cpu: 100m, memory: 64Mi}
                  local: {command: [sh, -c, "sleep %d && exec python3 -m http.server $PORT --bind 127.0.0.1"]}
                """;
        Path files = Files.createDirectories(logs.resolve("functions"));
        Files.writeString(files.resolve("files.yaml"), python.formatted("files", 0));
        Files.writeString(files.resolve("late.yaml"), python.formatted("late", 300)); // not ready before the start timeout
        List<LocalFunction> functions = new FunctionWatcher(List.of(files), fns -> { }, log::add).load();
        system = LocalSystem.start("127.0.0.1", 0, 0, LocalNode.parse("amd64=1", 2000, 4096, LocalNode.DEFAULT_SPEED),
                logs, functions, log::add);

        await("python's http.server").atMost(POD_START).until(() -> ready("files") == 1);
        HttpResponse<String> listing = call("files", null);
        assertThat(listing.statusCode()).isEqualTo(200);
        assertThat(listing.body()).contains("Directory listing");

        LocalPod starting = system.pods().stream().filter(p -> p.function.key().name().equals("late")).findFirst().orElseThrow();
        await().atMost(POD_START).until(() -> starting.process != null);
        long pid = starting.process.pid();
        system.apply(functions.stream().filter(f -> f.key().name().equals("files")).toList());
        // found by an outside probe: it waited for the port until the start timeout (60 s), then said it could not start
        await("the starting pod gone").atMost(Duration.ofSeconds(20)).until(() -> !system.podCounts().containsKey("demo/late"));
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(log).anyMatch(line -> line.matches("late-amd64-\\d+: stopped before it was ready"))
                .noneMatch(line -> line.contains("could not start"));
        assertThat(call("files", null).statusCode()).isEqualTo(200);
    }

    @Test
    void knativesDefaultPoliciesServeTheSameFunctions() throws Exception {
        start(LocalPolicies.knative(1));
        await("echo's first pod").atMost(POD_START).until(() -> ready("echo") >= 1);
        assertThat(call("echo", "kpa").body()).isEqualTo("kpa");
        assertThat(call("webhook", null).statusCode()).isEqualTo(200);
        assertThat(system.status()).extracting(FunctionStatus::function).containsExactly("demo/webhook", "demo/echo", "demo/resize");
    }

    @Test
    void aKilledFunctionProcessIsReplacedAndTheFunctionServesAgain() throws Exception {
        start();
        await("echo's first pod").atMost(POD_START).until(() -> ready("echo") >= 1);
        LocalPod victim = system.pods().stream().filter(p -> p.function.key().name().equals("echo")).findFirst().orElseThrow();
        victim.process.kill();

        await("a new echo pod").atMost(POD_START).until(() -> system.pods().stream()
                .anyMatch(p -> p.function.key().name().equals("echo") && p != victim && p.phase == dev.muserving.api.PodPhase.READY));
        assertThat(system.pods()).doesNotContain(victim);
        assertThat(call("echo", "again").body()).isEqualTo("again");
        assertThat(log).anyMatch(line -> line.startsWith(victim.name + ": the function process exited (killed by signal 9)"));
    }

    @Test
    void changedAndRemovedFunctionsAreAppliedWhileTheOthersKeepServing() throws Exception {
        start();
        await("echo and resize").atMost(POD_START).until(() -> ready("echo") >= 1 && ready("resize") >= 1);
        List<LocalFunction> onlyEcho = new FunctionWatcher(List.of(Repository.path("examples", "echo.yaml")), fns -> { }, log::add).load();
        system.apply(onlyEcho);
        await("resize gone").atMost(POD_START).until(() -> !system.podCounts().containsKey("demo/resize"));
        assertThat(call("resize", null).statusCode()).isEqualTo(404);
        assertThat(call("echo", "still").body()).isEqualTo("still");
        assertThat(system.podCounts()).containsOnlyKeys("demo/echo");
        assertThat(Map.copyOf(system.podCounts()).get("demo/echo").ready()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aPortInUseIsBadInputThatNamesTheOption() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> LocalSystem.start("127.0.0.1", port, 0, LocalNode.parse("amd64=1", 2000, 4096, LocalNode.DEFAULT_SPEED),
                    logs, List.of(), log::add))
                    .isInstanceOf(BadInputException.class)
                    .hasMessageStartingWith("--port " + port + ": already in use");
        }
    }

    /** Starts mu local on one amd64 node with a Function {@code demo/name} of min 1 whose pods run {@code command}. */
    private void startOneFunction(String name, String command) throws Exception {
        String yaml = """
                apiVersion: muserving.dev/v1alpha1
                kind: Function
                metadata: {name: %s, namespace: demo}
                spec:
                  image: r.example/%s:1
                  resources: {cpu: 100m, memory: 32Mi}
                  scale: {min: 1}
                  local:
                    command: %s
                """.formatted(name, name, command);
        FunctionFiles.Result parsed = FunctionFiles.parse(name + ".yaml", yaml);
        assertThat(parsed.problems()).isEmpty();
        system = LocalSystem.start("127.0.0.1", 0, 0, LocalNode.parse("amd64=1", 2000, 4096, LocalNode.DEFAULT_SPEED), logs,
                parsed.functions(), log::add);
    }

    @Test
    void aFunctionThatCrashesSoonAfterItIsReadyIsRestartedAfterAGrowingBackoff() throws Exception {
        startOneFunction("dies", "[python3, -c, \"import os, socket, time; s = socket.socket(); "
                + "s.bind(('127.0.0.1', int(os.environ['PORT']))); s.listen(); time.sleep(0.5); os._exit(3)\"]");
        // the first restart is at once, the next after 2 s, then 4 s: before, every 2 s or so, for ever
        await("a doubled backoff").atMost(Duration.ofSeconds(45)).until(() -> List.copyOf(log).stream()
                .anyMatch(line -> line.contains("s after it was ready; replacing it in 4 s")));
        List<String> lines = List.copyOf(log);
        assertThat(lines).anyMatch(line -> line.contains("replacing it (if it does that again, after a backoff)"))
                .anyMatch(line -> line.contains("replacing it in 2 s"));
        assertThat(lines.stream().filter(line -> line.contains("the function process exited"))).hasSize(3);
    }

    @Test
    void aCommandThatServesOnAPortOfItsOwnIsSaidToBeforeTheStartTimeout() throws Exception {
        startOneFunction("own-port", "[python3, -c, \"import socket, time; s = socket.socket(); s.bind(('127.0.0.1', 0)); "
                + "s.listen(); time.sleep(600)\"]");
        // before, "nothing listened on port …" came only after the 60-s start timeout
        await("the port it serves on, named").atMost(Duration.ofSeconds(30)).until(() -> List.copyOf(log).stream()
                .anyMatch(line -> line.contains(" listens on port ") && line.contains("mu local gives each pod its port in $PORT")));
    }

    @Test
    void aFunctionThatFitsNoEmulatedNodeIsSaidToAtOnce() throws Exception {
        List<LocalFunction> webhook = new FunctionWatcher(List.of(Repository.path("examples", "burst.yaml")), fns -> { }, log::add).load();
        // the webhook may run anywhere but its nodes are arm64 of 1 MiB; it starts at zero, so nothing is launched
        system = LocalSystem.start("127.0.0.1", 0, 0, LocalNode.parse("arm64=1", 2000, 1, LocalNode.DEFAULT_SPEED), logs, webhook, log::add);
        await("the warning").atMost(Duration.ofSeconds(10)) // the control loop applies Functions on its own thread
                .until(() -> List.copyOf(log).stream().anyMatch(line -> line.startsWith("demo/webhook (") && line.contains("fits no emulated node")));
    }

    @Test
    void oneListenerPortForBothServersOrAnAddressNotOfThisMachineIsBadInput() {
        List<LocalNode> node = LocalNode.parse("amd64=1", 2000, 4096, LocalNode.DEFAULT_SPEED);
        // one Vert.x shares a port among its servers: requests would go to the metrics server by turns
        assertThatThrownBy(() -> LocalSystem.start("127.0.0.1", 18_080, 18_080, node, logs, List.of(), log::add))
                .isInstanceOf(BadInputException.class).hasMessageStartingWith("--port and --metrics-port are both 18080");
        assertThatThrownBy(() -> LocalSystem.start("192.0.2.1", 0, 0, node, logs, List.of(), log::add)) // TEST-NET-1, never local
                .isInstanceOf(BadInputException.class).hasMessageStartingWith("--address 192.0.2.1: cannot listen there");
        assertThatThrownBy(() -> LocalSystem.start("999.1.1.1", 0, 0, node, logs, List.of(), log::add))
                .isInstanceOf(BadInputException.class).hasMessageStartingWith("--address 999.1.1.1: not an address");
    }
}
