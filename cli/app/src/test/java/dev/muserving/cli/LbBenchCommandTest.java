package dev.muserving.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.muserving.lbbench.Tools;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.Locale;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `mu lb-bench` end to end at a tiny size: real processes, real wrk, a real lb-bench.json. */
class LbBenchCommandTest {

    /** One run of the command: its exit code and what it printed. */
    private record Run(int exit, String stdout, String stderr) {}

    private static Run lbBench(String... args) {
        CommandLine cli = Mu.commandLine();
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        cli.setOut(new PrintWriter(stdout));
        cli.setErr(new PrintWriter(stderr));
        int exit = cli.execute(args);
        return new Run(exit, stdout.toString(), stderr.toString());
    }

    private static void assumeWrk() {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/wrk")),
                "wrk is not installed (Debian: apt-get install wrk); ./test.sh installs it when run as root");
    }

    @Test
    void measuresEachTargetAndWritesTheSummary(@TempDir Path out) throws Exception {
        assumeWrk();
        Run run = lbBench("lb-bench", "--backends", "1", "--duration", "2s", "--rounds", "2", "--warmup", "1s", "--warmup-limit", "2s",
                "--connections", "8", "--targets", "direct,mu,netty-floor", "--fixed-rate", "50", "--fixed-rps", "200", "--fixed-rate-duration", "1s", "--out", out.toString());

        assertThat(run.exit()).as(run.stderr()).isZero();
        JsonNode summary = new ObjectMapper().readTree(out.resolve("lb-bench.json").toFile());
        for (String target : new String[] {"direct", "mu", "netty-floor"}) {
            JsonNode t = summary.get("targets").get(target);
            assertThat(t.get("rps").asDouble()).as(target).isPositive();
            assertThat(t.get("errors").asLong()).as(target).isZero();
            assertThat(t.get("latencyMs").get("p99").asDouble()).isGreaterThanOrEqualTo(t.get("latencyMs").get("p50").asDouble());
        }
        // the balancer's own CPU per request; direct has no balancer to measure
        assertThat(summary.get("targets").get("direct").has("cpuMicrosPerRequest")).isFalse();
        assertThat(summary.get("targets").get("mu").get("cpuMicrosPerRequest").asDouble()).isPositive();
        assertThat(summary.get("targets").get("netty-floor").get("cpuMicrosPerRequest").asDouble()).isPositive();
        // the bytes a request allocates, from the activator-lb's JVM meters; netty-floor has no metrics endpoint
        assertThat(summary.get("targets").get("mu").get("jvm").get("allocatedBytesPerRequest").asLong()).isPositive();
        assertThat(summary.get("targets").get("netty-floor").has("jvm")).isFalse();
        assertThat(summary.get("settings").get("backends").asInt()).isEqualTo(1);
        if (Tools.vegeta().isPresent()) {
            JsonNode rate = summary.get("fixedRate").get(0);
            double rps = rate.get("rps").asDouble();
            assertThat(rps).isCloseTo(summary.get("targets").get("direct").get("rps").asDouble() / 2, within(1.0));
            for (String target : new String[] {"direct", "mu"}) {
                JsonNode t = rate.get("targets").get(target);
                assertThat(t.get("errors").asLong()).as(target).isZero();
                assertThat(t.get("achievedRps").asDouble()).as(target).isCloseTo(rps, withinPercentage(10));
                assertThat(t.get("latencyMs").get("p999").asDouble()).isGreaterThanOrEqualTo(t.get("latencyMs").get("p99").asDouble());
                // the run's first seconds, not counted, are reported apart: the step from idle to the rate
                JsonNode start = t.get("start");
                assertThat(start.get("requests").asLong()).as(target).isPositive();
                assertThat(start.get("latencyMs").get("p99").asDouble()).isGreaterThanOrEqualTo(start.get("latencyMs").get("p50").asDouble());
            }
            JsonNode absolute = summary.get("fixedRate").get(1);
            assertThat(absolute.get("rps").asDouble()).isEqualTo(200);
            assertThat(absolute.has("percentOfDirect")).isFalse();
            assertThat(absolute.get("targets").get("mu").get("generatorLimited").asBoolean()).isFalse();
            assertThat(run.stdout()).contains("fixed rate 50 % (").contains("fixed rate 200 rps");
            // each target, and so every backend, meets vegeta's requests at the lowest rate asked before any counted run
            assertThat(run.stderr()).contains(String.format(Locale.ROOT, "priming mu: vegeta's requests at %,.0f rps for 1 s, not counted",
                    Math.min(rps, 200)));
            assertThat(summary.get("settings").get("fixedRatePrimingSeconds").asInt()).isEqualTo(1);
        } else {
            assertThat(summary.get("fixedRate")).isEmpty();
            assertThat(summary.get("fixedRateSkipped").asText()).contains("vegeta is not installed");
        }
        assertThat(run.stdout()).contains("rps / nginx").contains("cpu µs/req").contains("mu ");
        assertThat(run.stderr()).contains("round 2/2");
    }

    /**
     * With --balancer-cpus the balancers run on their CPU, nginx with a worker for it, and the
     * settings say so; the fixed rate comes from Mu's own open-loop generator.
     */
    @Test
    void pinsTheBalancersToTheirOwnCpu(@TempDir Path out) throws Exception {
        assumeWrk();
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/taskset")), "taskset is not installed (Debian: util-linux)");
        Assumptions.assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "pinning needs two CPUs: one for each side");
        boolean nginx = Files.isExecutable(Path.of("/usr/sbin/nginx"));
        Run run = lbBench("lb-bench", "--backends", "1", "--duration", "1s", "--rounds", "1", "--warmup", "1s", "--warmup-limit", "1s",
                "--connections", "8", "--targets", nginx ? "direct,mu,nginx" : "direct,mu", "--fixed-rate", "none", "--balancer-cpus", "1",
                "--fixed-rps", "200", "--fixed-rate-duration", "1s", "--fixed-rate-rounds", "2", "--load-generator", "netty", "--out", out.toString());

        assertThat(run.exit()).as(run.stderr()).isZero();
        JsonNode summary = new ObjectMapper().readTree(out.resolve("lb-bench.json").toFile());
        assertThat(summary.get("settings").get("balancerCpus").asText()).isEqualTo("1");
        assertThat(summary.get("settings").get("backendAndLoadGeneratorCpus").asText()).doesNotContain("1");
        assertThat(summary.get("settings").get("activatorBalancers").asInt()).isEqualTo(1);
        assertThat(summary.get("targets").get("mu").get("errors").asLong()).isZero();
        assertThat(run.stdout()).startsWith("balancers on CPU 1; backends, wrk and netty on CPU ");
        assertThat(summary.get("settings").get("loadGenerator").asText()).isEqualTo("netty");
        JsonNode mu = summary.get("fixedRate").get(0).get("targets").get("mu");
        assertThat(mu.get("errors").asLong()).isZero();
        assertThat(mu.get("achievedRps").asDouble()).isCloseTo(200, withinPercentage(10));
        assertThat(mu.get("start").get("requests").asLong()).isPositive();
        // two rounds, each paired with direct's run of the same round
        assertThat(summary.get("settings").get("fixedRateRounds").asInt()).isEqualTo(2);
        assertThat(mu.get("rounds")).hasSize(2);
        JsonNode direct = summary.get("fixedRate").get(0).get("targets").get("direct");
        JsonNode added = mu.get("p99OverDirectMs").get("rounds");
        for (int round = 0; round < 2; round++) {
            assertThat(added.get(round).asDouble()).isCloseTo(mu.get("rounds").get(round).get("latencyMs").get("p99").asDouble()
                    - direct.get("rounds").get(round).get("latencyMs").get("p99").asDouble(), within(0.002));
        }
        assertThat(mu.get("p99OverDirectMs").get("median").asDouble()).isCloseTo((added.get(0).asDouble() + added.get(1).asDouble()) / 2, within(0.002));
        assertThat(direct.has("p99OverDirectMs")).isFalse();
        assertThat(run.stderr()).contains("round 2/2  mu");
        if (nginx) {
            assertThat(Files.readString(out.resolve("work/nginx/nginx.conf"))).contains("worker_processes 1;");
            assertThat(summary.get("targets").get("nginx").get("errors").asLong()).isZero();
        }
    }

    @Test
    void anUnknownTargetIsBadInput() {
        Run run = lbBench("lb-bench", "--targets", "envoy");
        assertThat(run.exit()).isEqualTo(Mu.EXIT_BAD_INPUT);
        assertThat(run.stderr()).contains("unknown target 'envoy'");
    }

    @Test
    void aCpuTheProcessMayNotUseIsBadInput() {
        Run run = lbBench("lb-bench", "--balancer-cpus", "4095");
        assertThat(run.exit()).isEqualTo(Mu.EXIT_BAD_INPUT);
        assertThat(run.stderr()).contains("--balancer-cpus 4095: this process may run on CPUs ");
    }

    /** Found by an outside probe: each was a backend that "did not start within 60 s", an endless start, or a bare path. */
    @Test
    void settingsNoBackendCanRunAndAnOutputThatIsAFileAreBadInputBeforeAnythingStarts(@TempDir Path dir) throws Exception {
        Run run = lbBench("lb-bench", "--service-ms", "-1");
        assertThat(run.exit()).isEqualTo(Mu.EXIT_BAD_INPUT);
        assertThat(run.stderr()).contains("--service-ms -1.0: from 0 to 3600000 ms");
        run = lbBench("lb-bench", "--container-concurrency", "-1");
        assertThat(run.stderr()).contains("--container-concurrency -1: from 0 (no limit) to 1000");
        run = lbBench("lb-bench", "--backends", "100000");
        assertThat(run.exit()).isEqualTo(Mu.EXIT_BAD_INPUT);
        assertThat(run.stderr()).contains("--backends 100000: at most 64");
        Path file = Files.writeString(dir.resolve("afile"), "");
        run = lbBench("lb-bench", "--targets", "direct", "--out", file.toString());
        assertThat(run.exit()).isEqualTo(Mu.EXIT_BAD_INPUT);
        assertThat(run.stderr()).contains("--out " + file + ": cannot write there (it is a file, not a directory)");
    }

    /** Found by an outside probe: a run that could not start made its --out first. */
    @Test
    void aMissingProgramIsNamedWithItsPackageAndNothingIsMade(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("not-made");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Mu.class.getName(), "lb-bench", "--targets", "direct", "--out", out.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("output.txt").toFile());
        builder.environment().put("PATH", dir.resolve("no-programs").toString()); // wrk is in /usr/bin, which is not searched then
        Process bench = builder.start();
        assertThat(bench.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(bench.exitValue()).isEqualTo(Mu.EXIT_BAD_INPUT);
        assertThat(Files.readString(dir.resolve("output.txt")))
                .contains("lb-bench needs wrk, which is not installed; install with: sudo apt-get install wrk");
        assertThat(out).doesNotExist();
    }

    /** Found by an outside probe: stopped by SIGTERM, lb-bench left nginx's workers running, holding their port. */
    @Test
    void stoppedBySigtermItLeavesNoBalancerRunning(@TempDir Path out) throws Exception {
        assumeWrk();
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/nginx")), "nginx is not installed (Debian: apt-get install nginx)");
        Process bench = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Mu.class.getName(), "lb-bench", "--targets", "nginx", "--backends", "1",
                "--duration", "60s", "--rounds", "1", "--warmup", "1s", "--warmup-limit", "60s", "--fixed-rate", "none", "--out", out.toString())
                .redirectErrorStream(true).redirectOutput(out.resolve("output.txt").toFile()).start();
        try {
            await("nginx's master and workers").atMost(Duration.ofSeconds(60)).until(() -> nginxOf(bench).size() >= 2);
            List<ProcessHandle> nginx = nginxOf(bench);
            bench.destroy(); // SIGTERM
            assertThat(bench.waitFor(40, TimeUnit.SECONDS)).as("lb-bench ends").isTrue();
            await("every nginx process gone").atMost(Duration.ofSeconds(10)).until(() -> nginx.stream().noneMatch(ProcessHandle::isAlive));
        } finally {
            bench.descendants().forEach(ProcessHandle::destroyForcibly);
            bench.destroyForcibly();
        }
    }

    private static List<ProcessHandle> nginxOf(Process bench) {
        return bench.descendants().filter(p -> p.info().command().orElse("").endsWith("/nginx")).toList();
    }
}
