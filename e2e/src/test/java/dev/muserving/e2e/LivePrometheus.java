package dev.muserving.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real Prometheus (Debian's {@code prometheus}) for a test: it scrapes the given targets every
 * second (named in a static configuration, or discovered), evaluates Mu's rules, and answers instant queries.
 */
final class LivePrometheus implements AutoCloseable {

    /** A scrape job: its name (the rules' {@code job} label), its targets (host:port) and metrics path. */
    record Job(String name, List<String> targets, String path) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Process process;
    private final URI base;
    private final Path dir;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private LivePrometheus(Process process, URI base, Path dir) {
        this.process = process;
        this.base = base;
        this.dir = dir;
    }

    static LivePrometheus start(List<Job> jobs, Path rules, Path logDir) {
        String scrapes = jobs.stream().map(job -> """
                  - job_name: %s
                    metrics_path: %s
                    static_configs:
                      - targets: [%s]
                """.formatted(job.name(), job.path(), job.targets().stream().map(t -> "'" + t + "'").collect(Collectors.joining(", "))))
                .collect(Collectors.joining());
        return start(scrapes, rules, logDir);
    }

    /** With scrape configs of any kind (e.g. kubernetes_sd_configs), as YAML list items indented by two spaces. */
    static LivePrometheus start(String scrapes, Path rules, Path logDir) {
        try {
            Path dir = Files.createTempDirectory("mu-prometheus");
            Path config = Files.writeString(dir.resolve("prometheus.yml"), """
                    global:
                      scrape_interval: 1s
                      evaluation_interval: 1s
                    rule_files: ['%s']
                    scrape_configs:
                    %s""".formatted(rules.toAbsolutePath(), scrapes));
            int port = MuOnTheCluster.freePort();
            Files.createDirectories(logDir);
            Process process = new ProcessBuilder("prometheus", "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + port).redirectErrorStream(true)
                    .redirectOutput(logDir.resolve("prometheus.log").toFile()).start();
            return new LivePrometheus(process, URI.create("http://127.0.0.1:" + port), dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    boolean ready() {
        try {
            return http.send(HttpRequest.newBuilder(base.resolve("/-/ready")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** An instant query's result: its series, or an error naming the query when it does not parse or fails. */
    List<Map<String, String>> query(String expr) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve("/api/v1/query?query="
                    + URLEncoder.encode(expr, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode body = JSON.readTree(response.body());
            if (!"success".equals(body.path("status").asText())) {
                throw new AssertionError("Prometheus refused " + expr + ": " + body.path("error").asText());
            }
            return JSON.convertValue(body.path("data").path("result").findValues("metric"),
                    JSON.getTypeFactory().constructCollectionType(List.class, Map.class));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }
}
