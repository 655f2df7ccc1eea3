package dev.muserving.bench.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.muserving.api.Arch;
import dev.muserving.api.BadInputException;
import dev.muserving.api.testing.Repository;
import dev.muserving.bench.scenario.ClusterModel;
import dev.muserving.bench.scenario.FunctionModel;
import dev.muserving.bench.scenario.Scenario;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScenarioLoaderTest {

    private final List<String> warnings = new ArrayList<>();
    private final ScenarioLoader loader = new ScenarioLoader(ScenarioLoader.StrictMode.LENIENT, warnings::add);

    static final String VALID = """
            name: tiny
            durationSeconds: 60
            seed: 9
            cluster:
              podStartupSeconds: {median: 1, p99: 4}
              nodes:
                - {count: 2, arch: amd64, cpu: 4, memoryMiB: 8192}
                - {count: 1, arch: arm64, cpu: 1500m, memoryMiB: 2048}
            functions:
              - name: echo
                arrival: {type: poisson, rps: 10}
                serviceTimeMs:
                  amd64: {median: 10, p99: 40}
                  arm64: {median: 15, p99: 60}
                cpu: 250m
                memoryMiB: 128
                containerConcurrency: 4
                sloP99Ms: 100
            """;

    @Test
    void readsAValidScenarioWithDefaults() {
        Scenario scenario = loader.parse("tiny.yaml", VALID);

        assertThat(scenario.name()).isEqualTo("tiny");
        assertThat(scenario.seed()).isEqualTo(9);
        assertThat(scenario.cluster().nodes()).extracting(n -> n.name())
                .containsExactly("amd64-0", "amd64-1", "arm64-0");
        assertThat(scenario.cluster().nodes().get(2).cpuMillis()).isEqualTo(1500);
        assertThat(scenario.cluster().loadBalancers()).isEqualTo(ClusterModel.DEFAULT_LOAD_BALANCERS);
        FunctionModel echo = scenario.functions().get(0);
        assertThat(echo.spec().architectures()).containsExactlyInAnyOrder(Arch.AMD64, Arch.ARM64);
        assertThat(echo.spec().cpuMillis()).isEqualTo(250);
        assertThat(echo.spec().weight()).isEqualTo(1);
        assertThat(echo.parallelism()).isEqualTo(4);
        assertThat(echo.serviceTimeMs().get(Arch.ARM64).p99()).isEqualTo(60);
    }

    @Test
    void theShippedScenariosLoad() {
        Scenario edge = loader.load(Repository.path("deploy", "scenarios", "edge-contention.yaml"));
        assertThat(edge.cluster().nodes()).hasSize(8);
        assertThat(edge.cluster().nodes()).extracting(n -> n.arch()).contains(Arch.AMD64, Arch.ARM64);

        Scenario azure = loader.load(Repository.path("deploy", "scenarios", "azure-sample.yaml"));
        assertThat(azure.functions()).hasSize(60);
        assertThat(warnings).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            typo in a field                  | 'durationSeconds: 60'       | 'durationSecond: 60'        | tiny.yaml:2: durationSecond: unknown field (did you mean 'durationSeconds'?)
            p99 below the median             | 'p99: 40}'                  | 'p99: 4}'                   | tiny.yaml:13: functions[0].serviceTimeMs.amd64.p99: must be at least the median (10.0), got 4.0
            unknown architecture             | 'arch: arm64'               | 'arch: riscv64'             | tiny.yaml:8: cluster.nodes[1].arch: must be amd64 or arm64, got 'riscv64'
            bad cpu                          | 'cpu: 250m'                 | 'cpu: lots'                 | tiny.yaml:15: functions[0].cpu: must be cores (2, 0.5) or millicores (500m), got 'lots'
            negative rate                    | 'rps: 10'                   | 'rps: -3'                   | tiny.yaml:11: functions[0].arrival.rps: must be between 0 and 10000000, got -3
            unknown arrival type             | 'type: poisson'             | 'type: gaussian'            | tiny.yaml:11: functions[0].arrival.type: must be one of poisson, bursty, diurnal, periodic, perMinute; got 'gaussian'
            name not a DNS label             | 'name: echo'                | 'name: Echo_Fn'             | tiny.yaml:10: functions[0].name: must be a DNS label
            not a number                     | 'sloP99Ms: 100'             | 'sloP99Ms: fast'            | tiny.yaml:18: functions[0].sloP99Ms: must be a number, got 'fast'
            concurrency out of range         | 'containerConcurrency: 4'   | 'containerConcurrency: -1'  | tiny.yaml:17: functions[0].containerConcurrency: must be between 0 and 1000, got -1
            architecture twice               | 'memoryMiB: 128'            | 'memoryMiB: 128\n    architectures: [amd64, amd64]' | tiny.yaml:17: functions[0].architectures[1]: names amd64 twice
            empty name                       | 'name: echo'                | 'name: ""'                  | tiny.yaml:10: functions[0].name: must be a DNS label
            fraction of a millicore          | 'cpu: 250m'                 | 'cpu: 1.5m'                 | tiny.yaml:15: functions[0].cpu: must be cores (2, 0.5) or millicores (500m), got '1.5m'
            fraction of a second             | 'durationSeconds: 60'       | 'durationSeconds: 30.5'     | tiny.yaml:2: durationSeconds: must be a whole number, got '30.5'
            negative seed                    | 'seed: 9'                   | 'seed: -1'                  | tiny.yaml:3: seed: must be 0 or more, as --seed, got -1
            parallelism of zero              | 'memoryMiB: 128'            | 'memoryMiB: 128\n    architectures: [amd64, arm64]\n    parallelism: 0' | tiny.yaml:18: functions[0].parallelism: must be between 1 and
            """)
    void badInputNamesTheFileLineAndField(String why, String from, String to, String message) {
        String yaml = VALID.replace(from, to.replace("\\n", "\n"));
        assertThat(yaml).as("the test's replacement applies").isNotEqualTo(VALID);
        assertThatThrownBy(() -> loader.parse("tiny.yaml", yaml))
                .as(why)
                .isInstanceOf(BadInputException.class)
                .hasMessageStartingWith(message);
    }

    @Test
    void syntheticOptionsThatCannotHoldTogetherAreBadInputNotACrash() {
        String base = VALID.substring(0, VALID.indexOf("functions:"));
        assertThatThrownBy(() -> loader.parse("syn.yaml", base + "synthetic: {functions: 3, totalRps: 30, armSlowdownMin: 2.0, armSlowdownMax: 1.2}\n"))
                .isInstanceOf(BadInputException.class).hasMessageStartingWith("syn.yaml:9: synthetic.armSlowdownMax: must be at least armSlowdownMin");
        assertThatThrownBy(() -> loader.parse("syn.yaml", base + "synthetic: {functions: 3, totalRps: 30, maxFunctionShare: 0.1}\n"))
                .isInstanceOf(BadInputException.class)
                .hasMessageStartingWith("syn.yaml:9: synthetic.maxFunctionShare: 3 functions with at most 0.1 of totalRps each cannot carry all of it");
        assertThatThrownBy(() -> loader.parse("syn.yaml", base + "synthetic: {functions: 100000, totalRps: 30}\n"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("synthetic.functions: must be between 1 and 10000");
        // the defaults give way: no cap below 5 functions, a slowdown range that starts above 2
        assertThat(loader.parse("syn.yaml", base + "synthetic: {functions: 3, totalRps: 30, armSlowdownMin: 3}\n").functions()).hasSize(3);
    }

    @Test
    void countsShorterThanTheRunAreSaidAndTheOfferedRateIsOverTheWholeRun() {
        Scenario scenario = loader.parse("tiny.yaml", VALID.replace("durationSeconds: 60", "durationSeconds: 600")
                .replace("arrival: {type: poisson, rps: 10}", "arrival: {type: perMinute, counts: [60, 120]}"));
        assertThat(warnings).singleElement().asString()
                .isEqualTo("tiny.yaml: the per-minute counts of 1 function(s) cover at most 120 s of the 600 s run; nothing arrives for them after that");
        assertThat(scenario.offeredRps()).isCloseTo(180.0 / 600, within(1e-9)); // not 1.5, the rate of the two minutes
    }

    /** Found by an outside probe: a run shorter than the minutes asked replayed part of them without a word. */
    @Test
    void countsLongerThanTheRunAreSaidWithWhatIsSent() {
        loader.parse("tiny.yaml", VALID.replace("durationSeconds: 60", "durationSeconds: 90")
                .replace("arrival: {type: poisson, rps: 10}", "arrival: {type: perMinute, counts: [60, 120, 30]}"));
        assertThat(warnings).singleElement().asString().isEqualTo("tiny.yaml: per-minute counts cover up to 180 s, but the run lasts 90 s"
                + " (durationSeconds): about 120 of their 210 requests are sent, none after the end");
    }

    @Test
    void aFunctionThatFitsNoNodeRunsButIsWarnedAbout() {
        loader.parse("tiny.yaml", VALID.replace("cpu: 250m", "cpu: 64"));
        assertThat(warnings).singleElement().asString()
                .startsWith("tiny.yaml: function 'echo' (64000 m CPU, 128 MiB, on amd64 or arm64) fits no node of the cluster");
        warnings.clear();
        loader.parse("tiny.yaml", VALID.replace("memoryMiB: 128", "memoryMiB: 4096\n    architectures: [arm64]"));
        assertThat(warnings).as("arm64's one node has 2048 MiB").singleElement().asString().contains("fits no node");
        warnings.clear();
        loader.parse("tiny.yaml", VALID);
        assertThat(warnings).isEmpty();
    }

    @Test
    void anArchitectureWithoutServiceTimeIsRejected() {
        String yaml = VALID.replace("      arm64: {median: 15, p99: 60}\n", "")
                .replace("memoryMiB: 128\n", "memoryMiB: 128\n    architectures: [amd64, arm64]\n");
        assertThatThrownBy(() -> loader.parse("tiny.yaml", yaml))
                .hasMessageContaining("functions[0].serviceTimeMs: needs a service time for arm64");
    }

    @Test
    void burstsThatExceedTheMeanAreExplained() {
        String yaml = VALID.replace("{type: poisson, rps: 10}",
                "{type: bursty, rps: 10, burstRps: 100, burstSeconds: 30, quietSeconds: 10}");
        assertThatThrownBy(() -> loader.parse("tiny.yaml", yaml))
                .hasMessageContaining("tiny.yaml:11: functions[0].arrival.burstRps: bursts of 100.0 rps");
    }

    @Test
    void duplicateFunctionsAndFieldsAreRejected() {
        String twice = VALID + VALID.substring(VALID.indexOf("  - name: echo"));
        assertThatThrownBy(() -> loader.parse("tiny.yaml", twice)).hasMessageContaining("two functions are named 'echo'");

        String field = VALID.replace("seed: 9\n", "seed: 9\nseed: 10\n");
        assertThatThrownBy(() -> loader.parse("tiny.yaml", field)).hasMessageContaining("tiny.yaml:4: seed: is given twice");
    }

    /** Found by an outside probe: a trailing --- (as generated manifests often have) was a second, invalid document. */
    @Test
    void emptyDocumentsAroundTheScenarioAreSkipped() {
        assertThat(loader.parse("trailing.yaml", "---\n" + VALID + "---\n").name())
                .isEqualTo(loader.parse("tiny.yaml", VALID).name());
    }

    @Test
    void syntaxErrorsAndEmptyFilesAreReportedWithTheirLine() {
        assertThatThrownBy(() -> loader.parse("bad.yaml", "name: x\ncluster: [unclosed\n"))
                .isInstanceOf(BadInputException.class)
                .hasMessageStartingWith("bad.yaml:3: not valid YAML");
        assertThatThrownBy(() -> loader.parse("empty.yaml", "")).hasMessage("empty.yaml: the file is empty");
        assertThatThrownBy(() -> loader.parse("dashes.yaml", "---\n---\n")).hasMessage("dashes.yaml: the file is empty");
        assertThatThrownBy(() -> loader.parse("list.yaml", "- a\n- b\n"))
                .hasMessage("list.yaml:1: (top level): must be a mapping of fields");
    }

    @Test
    void aScenarioWithoutFunctionsIsRejected() {
        String yaml = VALID.substring(0, VALID.indexOf("functions:"));
        assertThatThrownBy(() -> loader.parse("tiny.yaml", yaml))
                .hasMessageContaining("no functions: give 'functions', 'synthetic' or 'azureTrace'");
    }

    @Test
    void aMissingFileIsBadInput() {
        assertThatThrownBy(() -> loader.load(Path.of("does-not-exist.yaml")))
                .isInstanceOf(BadInputException.class)
                .hasMessage("does-not-exist.yaml: no such scenario file");
    }

    /** Found by an outside probe: these named an exception, or a file that was there. */
    @Test
    void aFileInAnotherEncodingOrNotARegularFileIsBadInputThatSaysSo(@TempDir Path dir) throws Exception {
        Path latin1 = Files.write(dir.resolve("latin1.yaml"),
                ("# caf\u00e9\n" + VALID).getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> loader.load(latin1)).isInstanceOf(BadInputException.class)
                .hasMessage(latin1 + ": cannot read: not UTF-8 text");
        assertThatThrownBy(() -> loader.load(Path.of("/dev/null"))).isInstanceOf(BadInputException.class)
                .hasMessage("/dev/null: not a regular file; give a scenario file");
    }

    @Test
    void aDirectoryIsBadInputThatSaysSo(@TempDir Path dir) {
        assertThatThrownBy(() -> loader.load(dir)).isInstanceOf(BadInputException.class)
                .hasMessage(dir + ": a directory; give a scenario file (e.g. deploy/scenarios/edge-contention.yaml)");
    }
}
