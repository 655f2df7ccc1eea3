package dev.muserving.bench.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.muserving.api.Arch;
import dev.muserving.bench.family.ScenarioFamily;
import dev.muserving.bench.scenario.ArrivalSpec;
import dev.muserving.bench.scenario.FunctionModel;
import dev.muserving.bench.scenario.LatencyDistribution;
import dev.muserving.bench.scenario.Scenario;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScenarioWriterTest {

    private final ScenarioLoader loader = new ScenarioLoader(ScenarioLoader.StrictMode.STRICT, warning -> {
        throw new AssertionError("unexpected warning: " + warning);
    });

    @Test
    void aShippedScenarioReadsBackAsItWas() {
        Scenario shipped = loader.load(Path.of("../../deploy/scenarios/edge-contention.yaml"));
        Scenario again = loader.parse("again", ScenarioWriter.write(shipped, "written back"));
        assertThat(again).isEqualTo(shipped);
    }

    @Test
    void generatedScenariosReadBackToSixSignificantDigits() {
        for (ScenarioFamily.Member member : ScenarioFamily.generate(11, 40)) {
            Scenario drawn = member.scenario();
            String yaml = ScenarioWriter.write(drawn, "a comment\nover two lines");
            assertThat(yaml).startsWith("# a comment\n# over two lines\nname: ");
            Scenario read = loader.parse(drawn.name(), yaml);
            assertThat(read.name()).isEqualTo(drawn.name());
            assertThat(read.seed()).isEqualTo(drawn.seed());
            assertThat(read.cluster().nodeGroups()).isEqualTo(drawn.cluster().nodeGroups());
            assertThat(read.functions()).hasSameSizeAs(drawn.functions());
            for (int i = 0; i < drawn.functions().size(); i++) {
                FunctionModel a = drawn.functions().get(i);
                FunctionModel b = read.functions().get(i);
                assertThat(b.spec().name()).isEqualTo(a.spec().name());
                assertThat(b.spec().architectures()).isEqualTo(a.spec().architectures());
                assertThat(b.spec().containerConcurrency()).isEqualTo(a.spec().containerConcurrency());
                assertThat(b.spec().cpuMillis()).isEqualTo(a.spec().cpuMillis());
                assertThat(b.parallelism()).isEqualTo(a.parallelism());
                assertThat(b.arrival().getClass()).isEqualTo(a.arrival().getClass());
                assertThat(b.arrival().meanRps()).isCloseTo(a.arrival().meanRps(), within(a.arrival().meanRps() * 1e-5));
                for (Arch arch : a.spec().architectures()) {
                    assertClose(b.serviceTimeMs().get(arch), a.serviceTimeMs().get(arch));
                }
            }
        }
    }

    private static void assertClose(LatencyDistribution actual, LatencyDistribution expected) {
        assertThat(actual.median()).isCloseTo(expected.median(), within(expected.median() * 1e-5));
        assertThat(actual.p99()).isCloseTo(expected.p99(), within(expected.p99() * 1e-5));
    }

    @Test
    void everyArrivalKindIsWritten() {
        Scenario shipped = loader.load(Path.of("../../deploy/scenarios/edge-contention.yaml"));
        List<FunctionModel> functions = new ArrayList<>(shipped.functions());
        FunctionModel first = functions.get(0);
        functions.set(0, new FunctionModel(first.spec(), new ArrivalSpec.PerMinute(List.of(3, 0, 7)), first.serviceTimeMs(),
                first.parallelism(), first.origin()));
        Scenario withCounts = new Scenario("counts", 180, 1, shipped.cluster(), functions);
        assertThat(loader.parse("x", ScenarioWriter.write(withCounts, "")).functions().get(0).arrival())
                .isEqualTo(new ArrivalSpec.PerMinute(List.of(3, 0, 7)));
        assertThat(ScenarioWriter.number(1234567.8)).isEqualTo("1234570");
        assertThat(ScenarioWriter.number(0.000123456789)).isEqualTo("0.000123457");
    }
}
