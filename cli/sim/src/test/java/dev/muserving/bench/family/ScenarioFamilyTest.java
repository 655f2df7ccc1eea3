package dev.muserving.bench.family;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.muserving.api.Arch;
import dev.muserving.bench.scenario.ArrivalSpec;
import dev.muserving.bench.scenario.FunctionModel;
import dev.muserving.bench.scenario.NodeGroup;
import dev.muserving.bench.scenario.Scenario;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ScenarioFamilyTest {

    private final List<ScenarioFamily.Member> family = ScenarioFamily.generate(3, 200);

    @Test
    void aMemberDependsOnlyOnTheFamilySeedAndItsIndex() {
        assertThat(ScenarioFamily.generate(3, 5)).isEqualTo(family.subList(0, 5));
        assertThat(ScenarioFamily.member(3, 42)).isEqualTo(family.get(42));
        assertThat(ScenarioFamily.member(4, 0).scenario()).isNotEqualTo(family.get(0).scenario());
        assertThat(family.get(7).scenario().name()).isEqualTo("family3-007");
    }

    @Test
    void clustersSpanSizesAndArchitectureMixesAndAlwaysHaveAnAmd64Node() {
        Set<Integer> sizes = new HashSet<>();
        boolean allAmd64 = false;
        boolean armHeavy = false;
        for (ScenarioFamily.Member m : family) {
            int nodes = m.amd64Nodes() + m.arm64Nodes();
            assertThat(nodes).isBetween(ScenarioFamily.MIN_NODES, ScenarioFamily.MAX_NODES);
            assertThat(m.scenario().cluster().nodes()).hasSize(nodes);
            assertThat(m.amd64Nodes()).isPositive();
            sizes.add(nodes);
            allAmd64 |= m.arm64Nodes() == 0;
            armHeavy |= m.arm64Nodes() >= 3 * m.amd64Nodes();
        }
        assertThat(sizes).contains(3, 20);
        assertThat(allAmd64).isTrue();
        assertThat(armHeavy).isTrue();
    }

    @Test
    void everyFunctionFitsOnSomeNodeItMayRunOn() {
        for (ScenarioFamily.Member m : family) {
            Scenario s = m.scenario();
            assertThat(s.functions()).hasSizeBetween(ScenarioFamily.MIN_FUNCTIONS, ScenarioFamily.MAX_FUNCTIONS);
            for (FunctionModel f : s.functions()) {
                assertThat(s.cluster().nodeGroups()).as(s.name() + "/" + f.name())
                        .anyMatch(g -> fits(f, g));
            }
        }
    }

    private static boolean fits(FunctionModel f, NodeGroup g) {
        return f.spec().architectures().contains(g.arch()) && f.spec().cpuMillis() <= g.cpuMillis()
                && f.spec().memoryMiB() <= g.memoryMiB();
    }

    @Test
    void theRatesMakeTheDrawnLoadUnlessEveryFunctionThatCouldCarryMoreIsAtTheCap() {
        double lowest = Double.MAX_VALUE;
        double highest = 0;
        for (ScenarioFamily.Member m : family) {
            assertThat(m.load()).isBetween(ScenarioFamily.MIN_LOAD, ScenarioFamily.MAX_LOAD);
            assertThat(m.scenario().functions()).allMatch(f -> f.arrival().meanRps() <= ScenarioFamily.MAX_FUNCTION_RPS + 1e-9);
            if (m.realizedLoad() < m.load() - 1e-9) {
                assertThat(m.scenario().functions().stream()
                        .filter(f -> !f.origin().equals("family/rare"))).allMatch(f -> f.arrival().meanRps() > ScenarioFamily.MAX_FUNCTION_RPS - 1e-6);
            } else {
                assertThat(m.realizedLoad()).isCloseTo(m.load(), within(1e-9));
            }
            lowest = Math.min(lowest, m.load());
            highest = Math.max(highest, m.load());
        }
        assertThat(lowest).isLessThan(0.4);
        assertThat(highest).isGreaterThan(1.4);
    }

    @Test
    void theFunctionsMixTheArchetypesWithAzureLikeOnesAndAHeavyOneComesFirst() {
        Set<String> origins = new HashSet<>();
        for (ScenarioFamily.Member m : family) {
            m.scenario().functions().forEach(f -> origins.add(f.origin().replaceAll("synthetic/.*", "synthetic")));
            FunctionModel first = m.scenario().functions().get(0);
            assertThat(first.origin()).isIn("family/ml", "family/batch");
            assertThat(first.serviceTimeMs().get(Arch.AMD64).median()).isGreaterThanOrEqualTo(300);
        }
        assertThat(origins).containsExactlyInAnyOrder(
                "family/api", "family/webhook", "family/ml", "family/batch", "family/rare", "synthetic");
        assertThat(family.stream().flatMap(m -> m.scenario().functions().stream())
                .filter(f -> f.origin().equals("family/rare")))
                .allMatch(f -> f.arrival().meanRps() >= Archetype.RARE_MIN_RPS && f.arrival().meanRps() <= Archetype.RARE_MAX_RPS)
                .allMatch(f -> f.arrival() instanceof ArrivalSpec.Poisson);
    }
}
