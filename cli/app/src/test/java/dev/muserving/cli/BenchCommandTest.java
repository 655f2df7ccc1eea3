package dev.muserving.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.muserving.bench.Systems;
import dev.muserving.bench.input.ScenarioLoader;
import dev.muserving.bench.report.BenchSummary;
import dev.muserving.bench.report.SummaryFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BenchCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int mu(String... args) {
        CommandLine cli = Mu.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    /** summary.json without the one line that may differ between runs. */
    private static List<String> withoutWallTime(Path summary) throws IOException {
        return Files.readAllLines(summary).stream().filter(l -> !l.contains("\"wallSeconds\"")).toList();
    }

    /** Found by an outside probe: 3 requests in 180 s were "0 rps offered". */
    @Test
    void aSlowOfferedRateIsNotPrintedAsZero() {
        assertThat(BenchCommand.rate(3 / 180.0)).isEqualTo("0.017");
        assertThat(BenchCommand.rate(5.5)).isEqualTo("5.5");
        assertThat(BenchCommand.rate(1234.4)).isEqualTo("1234");
    }

    @Test
    void quickRunPrintsTheTableAndWritesTheSummaryAndCsv() throws IOException {
        assertThat(mu("bench", "--quick", "--no-progress", "--out", dir.toString())).isZero();

        assertThat(out.toString()).contains("quick — seed 1", "knative", "p99 latency (ms)*", "demand fairness (Jain)",
                "dropped requests count as violations");
        BenchSummary summary = SummaryFiles.read(dir.resolve("summary.json"));
        assertThat(summary.scenario()).isEqualTo("quick");
        assertThat(summary.systems()).containsOnlyKeys(Systems.names());
        BenchSummary.SystemSummary knative = summary.systems().get("knative");
        assertThat(knative.requests()).isEqualTo(knative.completed() + knative.dropped()).isPositive();
        assertThat(knative.functions()).extracting(BenchSummary.FunctionSummary::name)
                .containsExactly("echo", "resize", "transcode", "report");
        assertThat(knative.byArchitecture()).containsOnlyKeys("amd64", "arm64");
        List<String> csv = Files.readAllLines(dir.resolve("functions.csv"));
        assertThat(csv.get(0)).isEqualTo("system,function,requests,dropped,p50Ms,p99Ms,sloP99Ms,sloViolationRate,"
                + "coldStartRequests,podStarts,podSeconds,demandPodSeconds,satisfaction,ownDesiredSatisfaction");
        assertThat(csv).hasSize(1 + 4 * Systems.names().size());
        assertThat(csv.get(1)).startsWith("knative,echo,");
    }

    @Test
    void theSameSeedWritesTheSameSummaryAndAnotherSeedADifferentOne() throws IOException {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        Path c = dir.resolve("c");
        assertThat(mu("bench", "--quick", "--no-progress", "--out", a.toString())).isZero();
        assertThat(mu("bench", "--quick", "--no-progress", "--out", b.toString())).isZero();
        assertThat(mu("bench", "--quick", "--no-progress", "--seed", "2", "--out", c.toString())).isZero();

        assertThat(withoutWallTime(b.resolve("summary.json"))).isEqualTo(withoutWallTime(a.resolve("summary.json")));
        assertThat(Files.readString(b.resolve("functions.csv"))).isEqualTo(Files.readString(a.resolve("functions.csv")));
        assertThat(withoutWallTime(c.resolve("summary.json"))).isNotEqualTo(withoutWallTime(a.resolve("summary.json")));
        assertThat(Files.readString(c.resolve("summary.json"))).contains("\"seed\" : 2");
    }

    @Test
    void anOutThatCannotBeADirectoryIsRefusedBeforeTheRun() throws IOException {
        Path file = Files.writeString(dir.resolve("afile"), "");
        for (Path bad : List.of(file, file.resolve("sub"))) {
            assertThat(mu("bench", "--quick", "--no-progress", "--out", bad.toString())).as("%s", bad).isEqualTo(2);
        }
        assertThat(err.toString()).contains("mu: --out " + file + ": cannot write there (it is a file, not a directory)");
        assertThat(mu("bench", "--quick", "--no-progress", "--out", "")).as("the working directory, unasked").isEqualTo(2);
        assertThat(err.toString()).contains("mu: --out: empty; give a directory");
        assertThat(out.toString()).as("nothing ran").doesNotContain("knative");
    }

    @Test
    void aBadScenarioExitsWithTwoAndNamesTheLine() throws IOException {
        Path scenario = dir.resolve("bad.yaml");
        Files.writeString(scenario, "name: x\ndurationSeconds: 10\ncluster:\n  podStartupSeconds: {median: 1, p99: 2}\n  nodes: []\n");
        assertThat(mu("bench", "--scenario", scenario.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("mu: " + scenario + ":5: cluster.nodes: needs at least one node group");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void anUnknownSystemOrAMissingWorkloadIsAUsageError() {
        assertThat(mu("bench", "--quick", "--systems", "knative,kubeless")).isEqualTo(2);
        assertThat(err.toString()).contains("unknown system 'kubeless'; known systems: knative");
        assertThat(mu("bench")).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required argument");
    }

    @Test
    void anUnknownModeOrAnUnknownSystemToEmulateIsABadInput() {
        assertThat(mu("bench", "--quick", "--mode", "replay")).isEqualTo(2);
        assertThat(err.toString()).contains("--mode must be simulate, emulate or cluster, got 'replay'");
        assertThat(mu("bench", "--quick", "--mode", "emulate", "--systems", "mu-fast")).isEqualTo(2);
        assertThat(err.toString()).contains("unknown system 'mu-fast'");
        assertThat(mu("bench", "--quick", "--mode", "emulate", "--emulate-seconds", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--replay-seconds must be above zero");
        // the simulator ignores it, and still refuses nonsense rather than taking it silently
        assertThat(mu("bench", "--quick", "--replay-seconds", "-5")).isEqualTo(2);
        assertThat(mu("bench", "--quick", "--seed", "-3")).isEqualTo(2);
        assertThat(err.toString()).contains("--seed must be a whole number ≥ 0, got -3");
    }

    @Test
    void aClusterRunWithoutAnIngressOrAReadableKubeconfigStopsBeforeAnythingIsCreated() {
        assertThat(mu("bench", "--quick", "--mode", "cluster", "--ingress", "http://[nowhere")).isEqualTo(2);
        assertThat(err.toString()).contains("--ingress: not a URL: http://[nowhere");
        assertThat(mu("bench", "--quick", "--mode", "cluster", "--ingress", "http://127.0.0.1:1", "--kubeconfig", "/no/such/kubeconfig"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--kubeconfig: cannot read /no/such/kubeconfig");
    }

    @Test
    void aTraceHoldsEveryTickOfTheChosenFunctionForEverySystemWithItsReason() throws IOException {
        assertThat(mu("bench", "--quick", "--systems", "knative,mu", "--trace", "echo", "--no-progress", "--out", dir.toString()))
                .isZero();
        assertThat(out.toString()).contains("decisions.csv");
        List<String> lines = Files.readAllLines(dir.resolve(SummaryFiles.DECISIONS_CSV));
        assertThat(lines.get(0)).isEqualTo("system,second,function,desiredReplicas,requiredReplicas,pods,arm64Pods,readyPods,"
                + "unplacedPods,requestsInSystem,reason");
        List<String[]> rows = lines.subList(1, lines.size()).stream().map(line -> line.split(",", 11)).toList();
        assertThat(rows).allMatch(row -> row[2].equals("echo") && row[10].startsWith("\"") && row[10].endsWith("\""));
        // the quick scenario's cluster has arm64 nodes: the pods on them are a part of all the pods, and
        // kube-scheduler's spreading puts one of Knative's there
        assertThat(rows).allMatch(row -> Integer.parseInt(row[6]) <= Integer.parseInt(row[5]));
        assertThat(rows).filteredOn(row -> row[0].equals("knative")).anyMatch(row -> Integer.parseInt(row[6]) > 0);
        for (String system : List.of("knative", "mu")) {
            List<Integer> seconds = rows.stream().filter(row -> row[0].equals(system)).map(row -> Integer.parseInt(row[1])).toList();
            // one decision per autoscaler tick (every 2 s) over the 300 s scenario, which ends with nothing left to drain
            assertThat(seconds).hasSize(150).startsWith(2, 4).endsWith(300);
        }
        assertThat(rows).filteredOn(row -> row[0].equals("mu")).anyMatch(row -> row[10].contains("p99 model"));
        assertThat(rows).filteredOn(row -> row[0].equals("knative")).anyMatch(row -> row[10].contains("stable"));
        assertThat(rows).anyMatch(row -> Integer.parseInt(row[5]) > 0 && Integer.parseInt(row[9]) > 0);

        // a run without --trace into the same --out leaves no decisions.csv of another run beside its summary
        assertThat(mu("bench", "--quick", "--systems", "mu", "--no-progress", "--out", dir.toString())).isZero();
        assertThat(dir.resolve(SummaryFiles.DECISIONS_CSV)).doesNotExist();
        assertThat(err.toString()).contains("removed what an earlier run left in " + dir + " and this one does not write: decisions.csv");
    }

    @Test
    void aTraceNeedsAnOutOneSimulatedScenarioAndFunctionsItHas() {
        assertThat(mu("bench", "--quick", "--trace", "echo")).isEqualTo(2);
        assertThat(err.toString()).contains("--trace follows one scenario in the simulator and writes decisions.csv: give --out DIR");
        assertThat(mu("bench", "--family", "2", "--trace", "echo", "--out", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("drop --family");
        assertThat(mu("bench", "--quick", "--trace", "echo,thumbnail", "--out", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--trace: quick has no function thumbnail; its functions are echo, resize, transcode, report");
        assertThat(mu("bench", "--quick", "--trace", "", "--out", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--trace: give function names separated by commas, or 'all'; got ''");
        assertThat(dir.resolve(SummaryFiles.SUMMARY)).doesNotExist();
    }

    @Test
    void severalSeedsGiveMediansIntervalsAndRatiosAndKeepEachSeedsFiles() throws IOException {
        assertThat(mu("bench", "--quick", "--seeds", "1..3", "--systems", "knative,mu", "--out", dir.toString())).isZero();

        assertThat(out.toString()).contains("seeds [1, 2, 3]", "75.0 % coverage", "p99Ms", "minSatisfaction", "x");
        JsonNode seeds = new ObjectMapper().readTree(dir.resolve("seeds.json").toFile());
        assertThat(seeds.path("coverage").asDouble()).isEqualTo(0.75);
        JsonNode p99 = seeds.path("systems").path("mu").path("p99Ms");
        assertThat(p99.path("values")).hasSize(3);
        // the median of three is the middle one, and the interval is their range
        double[] values = {p99.path("values").get(0).asDouble(), p99.path("values").get(1).asDouble(), p99.path("values").get(2).asDouble()};
        java.util.Arrays.sort(values);
        assertThat(p99.path("median").asDouble()).isEqualTo(values[1]);
        assertThat(p99.path("low").asDouble()).isEqualTo(values[0]);
        assertThat(p99.path("high").asDouble()).isEqualTo(values[2]);
        BenchSummary seed2 = SummaryFiles.read(dir.resolve("seed-2/summary.json"));
        assertThat(seed2.seed()).isEqualTo(2);
        assertThat(p99.path("values").get(1).asDouble()).isEqualTo(seed2.systems().get("mu").latencyMs().p99());
        assertThat(seeds.path("ratioToKnative").path("knative").path("p99Ms").path("median").asDouble()).isEqualTo(1.0);
    }

    @Test
    void badSeedListsAndSeedsWithOneSeedOrInRealTimeAreRefused() {
        assertThat(mu("bench", "--quick", "--seeds", "5..1")).isEqualTo(2);
        assertThat(err.toString()).contains("--seeds 5..1: the range ends before it starts");
        assertThat(mu("bench", "--quick", "--seeds", "1,x")).isEqualTo(2);
        assertThat(err.toString()).contains("'x' is not a seed");
        assertThat(mu("bench", "--quick", "--seeds", "1..x")).isEqualTo(2);
        assertThat(err.toString()).contains("--seeds 1..x: 'x' is not a seed");
        assertThat(mu("bench", "--quick", "--seeds", "3,3")).isEqualTo(2);
        assertThat(mu("bench", "--quick", "--seeds", "7")).isEqualTo(2);
        assertThat(mu("bench", "--quick", "--seed", "1", "--seeds", "1..2")).isEqualTo(2);
        assertThat(err.toString()).contains("--seed and --seeds exclude each other");
        assertThat(mu("bench", "--quick", "--seeds", "1..2", "--mode", "emulate")).isEqualTo(2);
        assertThat(err.toString()).contains("--seeds runs the simulator only");
    }

    /** Found by an outside probe: they were ignored, and --replay-seconds 5 ran the simulator's whole 300 s. */
    @Test
    void optionsOfAnotherModeAreRefusedNotIgnored() {
        assertThat(mu("bench", "--quick", "--replay-seconds", "5")).isEqualTo(2);
        assertThat(err.toString()).contains("--replay-seconds applies to --mode emulate and cluster");
        assertThat(mu("bench", "--quick", "--mode", "emulate", "--ingress", "http://127.0.0.1:1")).isEqualTo(2);
        assertThat(err.toString()).contains("--ingress applies to --mode cluster only");
        assertThat(mu("bench", "--quick", "--namespace", "x")).isEqualTo(2);
        assertThat(err.toString()).contains("--namespace applies to --mode cluster only");
    }

    @Test
    void aFamilyRunsEverySystemOnEachScenarioAndKeepsFilesThatReplayIt() throws IOException {
        assertThat(mu("bench", "--family", "2", "--seed", "5", "--systems", "knative,mu", "--out", dir.toString())).isZero();

        assertThat(out.toString()).contains("family 5 — 2 scenarios", "sloViolationRate", "minSatisfaction (↑)", "/2");
        assertThat(err.toString()).contains("1/2 family5-000", "2/2 family5-001");
        JsonNode family = new ObjectMapper().readTree(dir.resolve("family.json").toFile());
        assertThat(family.path("baseline").asText()).isEqualTo("knative");
        JsonNode slo = family.path("ratios").path("sloViolationRate").path("mu");
        assertThat(slo.path("values")).hasSize(2);
        assertThat(slo.path("of").asInt()).isEqualTo(2);
        assertThat(family.path("results").get(1).path("figures").path("mu").path("p99Ms").asDouble())
                .isEqualTo(SummaryFiles.read(dir.resolve("scenarios/family5-001/summary.json")).systems().get("mu").latencyMs().p99());
        assertThat(Files.readString(dir.resolve("family.svg"))).startsWith("<svg").contains("sloViolationRate");

        // a scenario's file replays what the family measured
        Path replay = dir.resolve("replay");
        assertThat(mu("bench", "--scenario", dir.resolve("scenarios/family5-001.yaml").toString(), "--systems", "knative,mu",
                "--no-progress", "--out", replay.toString())).isZero();
        assertThat(withoutWallTime(replay.resolve("summary.json")))
                .isEqualTo(withoutWallTime(dir.resolve("scenarios/family5-001/summary.json")));

        // the same --out again, another family: the first one's scenarios go, none is taken for this run's
        assertThat(mu("bench", "--family", "1", "--seed", "6", "--systems", "knative,mu", "--no-progress", "--out", dir.toString())).isZero();
        try (Stream<Path> scenarios = Files.list(dir.resolve("scenarios"))) {
            assertThat(scenarios.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("family6-000", "family6-000.yaml");
        }
        assertThat(err.toString()).contains("removed what an earlier run left in " + dir);
    }

    /** Found by an outside probe: each of these was refused, but only after --out was made. */
    @Test
    void aRefusedRunLeavesNoOutputDirectoryBehind() {
        List<List<String>> refused = List.of(
                List.of("--quick", "--trace", "nosuch"),
                List.of("--quick", "--seeds", "1..3", "--trace", "echo"),
                List.of("--family", "2", "--trace", "echo"),
                List.of("--family", "0"),
                List.of("--family", "2", "--systems", "mu"),
                List.of("--quick", "--seeds", "1..x"),
                List.of("--scenario", dir.resolve("missing.yaml").toString()));
        for (List<String> args : refused) {
            Path out = dir.resolve("out-" + refused.indexOf(args));
            List<String> command = new ArrayList<>(List.of("bench"));
            command.addAll(args);
            command.addAll(List.of("--out", out.toString()));
            assertThat(mu(command.toArray(String[]::new))).as(String.join(" ", args)).isEqualTo(2);
            assertThat(out).as(String.join(" ", args)).doesNotExist();
        }
        assertThat(err.toString()).doesNotContain("mu bench: quick"); // refused before the run's banner
    }

    @Test
    void aFamilyNeedsKnativeTheSimulatorAndASensibleCount() {
        assertThat(mu("bench", "--family", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--family 0: give between 1 and");
        assertThat(mu("bench", "--family", "2", "--systems", "mu")).isEqualTo(2);
        assertThat(err.toString()).contains("add it to --systems");
        assertThat(mu("bench", "--family", "2", "--systems", "knative")).isEqualTo(2);
        assertThat(err.toString()).contains("name at least one more in --systems");
        assertThat(mu("bench", "--family", "2", "--seeds", "1..3")).isEqualTo(2);
        assertThat(err.toString()).contains("--family runs the simulator on one family seed");
        assertThat(mu("bench", "--family", "2", "--mode", "emulate")).isEqualTo(2);
        assertThat(mu("bench", "--family", "2", "--quick")).isEqualTo(2);
    }

    @Test
    void aScenarioTheSimulatorNeedsHoursForIsSaidBeforeItStarts() {
        String week = """
                name: week
                durationSeconds: 604800
                cluster:
                  podStartupSeconds: {median: 1, p99: 4}
                  nodes: [{count: 1, arch: amd64, cpu: 4, memoryMiB: 8192}]
                functions:
                  - {name: f, arrival: {type: poisson, rps: 10000000}, serviceTimeMs: {amd64: {median: 10, p99: 40}}, cpu: 1, memoryMiB: 128, sloP99Ms: 100}
                """;
        ScenarioLoader loader = new ScenarioLoader(ScenarioLoader.StrictMode.LENIENT, warning -> { });
        PrintWriter said = new PrintWriter(err, true);
        BenchCommand.warnIfLong(loader.parse("week.yaml", week), 2, said);
        assertThat(err.toString()).isEqualTo("mu: warning: about 6,048,000,000,000 requests a system; at the simulator's pace of"
                + " about 2 million a second that is about 35 days a system, 70 days for 2 (lower rates or a shorter durationSeconds"
                + " run quicker)\n");

        err.getBuffer().setLength(0);
        BenchCommand.warnIfLong(loader.parse("minute.yaml", week.replace("604800", "60").replace("10000000", "1000")), 6, said);
        assertThat(err.toString()).isEmpty();
    }
}
