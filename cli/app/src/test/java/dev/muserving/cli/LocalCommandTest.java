package dev.muserving.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.muserving.api.testing.Repository;
import java.io.BufferedReader;
import java.io.InputStreamReader;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mu local} as a user runs it: its own process, files edited under it, and Ctrl-C (SIGINT).
 */
class LocalCommandTest {

    private static final Pattern METRICS = Pattern.compile("metrics on http://127\\.0\\.0\\.1:(\\d+)/metrics");
    private static final Pattern SERVING = Pattern.compile("serving \\d+ function\\(s\\) on http://127\\.0\\.0\\.1:(\\d+)");
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<String> output = Collections.synchronizedList(new ArrayList<>());
    private Process mu;

    @TempDir
    Path dir;

    @AfterEach
    void kill() {
        if (mu != null && mu.isAlive()) {
            mu.descendants().forEach(ProcessHandle::destroyForcibly);
            mu.destroyForcibly();
        }
    }

    private int status(int port, String function) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/fn/demo/" + function))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    /**
     * Starts {@code mu local} on the test's folder as a terminal's foreground job: leading a process
     * group of its own (setsid), SIGINT handled (a build run as a background job hands its JVMs
     * SIGINT ignored, and a JVM that starts so never handles it: env restores the default).
     *
     * @return the activator-lb's port, once it serves
     */
    private int startMuLocal() throws Exception {
        mu = new ProcessBuilder("setsid", "env", "--default-signal=INT", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Mu.class.getName(),
                "local", "-f", dir.toString(), "--port", "0", "--metrics-port", "0", "--no-view", "--logs", dir.resolve("logs").toString())
                .redirectErrorStream(true).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(mu.getInputStream(), StandardCharsets.UTF_8))) {
                lines.lines().forEach(output::add);
            } catch (Exception e) {
                // the process is gone
            }
        });
        reader.setDaemon(true);
        reader.start();
        await("mu local serving").atMost(Duration.ofSeconds(60)).until(() -> output.stream().anyMatch(l -> SERVING.matcher(l).find()));
        return Integer.parseInt(output.stream().map(SERVING::matcher).filter(Matcher::find).findFirst().orElseThrow().group(1));
    }

    @Test
    void aPortOutOfRangeExits2NamingTheOptionNotAnEnvironmentVariable() {
        for (String option : List.of("--port", "--metrics-port")) {
            java.io.StringWriter err = new java.io.StringWriter();
            picocli.CommandLine cli = Mu.commandLine();
            cli.setErr(new java.io.PrintWriter(err));
            int exit = cli.execute("local", "-f", dir.toString(), option, "99999", "--no-view");
            assertThat(exit).as(err.toString()).isEqualTo(Mu.EXIT_BAD_INPUT);
            assertThat(err.toString()).isEqualTo("mu: " + option + " 99999: give a port from 1 to 65535, or 0 for any free one"
                    + System.lineSeparator());
        }
    }

    @Test
    void aLogsPathThatIsAFileOrAnInputWithoutFunctionsExits2SayingWhy() throws Exception {
        Path functions = Files.createDirectories(dir.resolve("functions"));
        Files.copy(Repository.path("examples", "echo.yaml"), functions.resolve("echo.yaml"));
        Path file = Files.writeString(dir.resolve("afile"), "");
        Path empty = Files.createDirectories(dir.resolve("empty"));
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cli = Mu.commandLine();
        cli.setErr(new java.io.PrintWriter(err, true));
        assertThat(cli.execute("local", "-f", functions.toString(), "--logs", file.toString(), "--port", "0", "--metrics-port", "0",
                "--no-view")).as(err.toString()).isEqualTo(Mu.EXIT_BAD_INPUT);
        assertThat(err.toString()).contains("mu: --logs " + file + ": cannot write there (it is a file, not a directory)");
        assertThat(cli.execute("local", "-f", empty.toString(), "--no-view")).isEqualTo(Mu.EXIT_BAD_INPUT);
        assertThat(err.toString()).contains("no file there holds a kind: Function").doesNotContain("see the lines above");
    }

    @Test
    void aBrokenEditIsReportedWhileEverythingServesAndCtrlCLeavesNoProcessBehind() throws Exception {
        Path examples = Repository.path("examples");
        Files.copy(examples.resolve("echo.yaml"), dir.resolve("echo.yaml"));
        Path resize = Files.copy(examples.resolve("resize.yaml"), dir.resolve("resize.yaml"));
        int port = startMuLocal();
        await("echo and resize answer").atMost(Duration.ofSeconds(60)).until(() -> status(port, "echo") == 200 && status(port, "resize") == 200);

        Files.writeString(resize, Files.readString(resize).replace("memory: 128Mi", "memory: plenty"));
        await("the error").atMost(Duration.ofSeconds(30)).until(() -> output.stream()
                .anyMatch(l -> l.contains("error: " + resize + ":12: spec.resources.memory: must be a quantity")));
        // the next line may still be on its way from mu local's output to this test's reader
        await("the note that follows it").atMost(Duration.ofSeconds(10)).until(() -> List.copyOf(output).stream()
                .anyMatch(l -> l.contains(resize + ": not applied; its previous version keeps running")));
        assertThat(status(port, "resize")).isEqualTo(200);
        assertThat(status(port, "echo")).isEqualTo(200);

        List<ProcessHandle> children = mu.descendants().toList();
        assertThat(children).as("function processes").hasSizeGreaterThanOrEqualTo(2);
        new ProcessBuilder("kill", "-INT", Long.toString(mu.pid())).start().waitFor();
        await("mu local exits").atMost(Duration.ofSeconds(60)).until(() -> !mu.isAlive());
        await("its last line read").atMost(Duration.ofSeconds(10))
                .until(() -> List.copyOf(output).stream().anyMatch(l -> l.endsWith("mu local: stopped")));
        assertThat(children).allSatisfy(child -> assertThat(child.isAlive()).as("pid %d", child.pid()).isFalse());
    }

    /**
     * Ctrl-C in a terminal signals the whole foreground process group: the pods' processes must not
     * get it, or they die under the requests the activator is draining. The function is Python's
     * http.server, which SIGINT ends at once (a JVM would drain on it).
     */
    @Test
    void ctrlCInATerminalLetsRequestsInFlightFinish() throws Exception {
        Files.writeString(dir.resolve("slow.yaml"), """
                apiVersion: muserving.dev/v1alpha1
                kind: Function
                metadata: {name: slow, namespace: demo}
                spec:
                  image: example.com/slow:1
                  resources: {cpu: 100m, memory: 64Mi}
                  scale: {min: 1, max: 1}
                  local:
                    command:
                      - python3
                      - -c
                      - |
                        import http.server, os, time
                        class Slow(http.server.BaseHTTPRequestHandler):
                            def do_GET(self):
                                time.sleep(3)
                                self.send_response(200)
                                self.send_header("Content-Length", "3")
                                self.end_headers()
                                self.wfile.write(b"ok\\n")
                        http.server.ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Slow).serve_forever()
                """);
        int port = startMuLocal();
        int metricsPort = Integer.parseInt(output.stream().map(METRICS::matcher).filter(Matcher::find).findFirst().orElseThrow().group(1));
        await("slow answers").atMost(Duration.ofSeconds(60)).until(() -> status(port, "slow") == 200);

        List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            inFlight.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/fn/demo/slow"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        await("4 requests at the pod").atMost(Duration.ofSeconds(10)).until(() -> scrape(metricsPort)
                .anyMatch(l -> l.startsWith("mu_inflight_requests{") && l.contains("function=\"slow\"") && l.endsWith(" 4.0")));
        new ProcessBuilder("kill", "-INT", "--", "-" + mu.pid()).start().waitFor(); // the whole group, as the terminal does

        for (CompletableFuture<HttpResponse<String>> request : inFlight) {
            assertThat(request.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
        await("mu local exits").atMost(Duration.ofSeconds(60)).until(() -> !mu.isAlive());
    }

    private Stream<String> scrape(int metricsPort) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body().lines();
        } catch (Exception e) {
            return Stream.empty();
        }
    }
}
