package dev.muserving.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class FamilySummaryTest {

    private static FamilySummary.ScenarioResult result(String name, double knativeSlo, double muSlo, double knativeMinSat, double muMinSat) {
        Map<String, Map<String, Double>> figures = new LinkedHashMap<>();
        figures.put("knative", figures(knativeSlo, knativeMinSat));
        figures.put("mu", figures(muSlo, muMinSat));
        return new FamilySummary.ScenarioResult(name, 1, 2, 1, 10, 1, 1, 4, 100, figures);
    }

    private static Map<String, Double> figures(double slo, double minSatisfaction) {
        Map<String, Double> f = new LinkedHashMap<>();
        Measures.FIGURES.keySet().forEach(name -> f.put(name, 1.0));
        f.put("sloViolationRate", slo);
        f.put("minSatisfaction", minSatisfaction);
        f.put("dropped", slo == 0 ? 0.0 : 5.0);
        return f;
    }

    private final FamilySummary family = FamilySummary.of(9, "knative", List.of(
            result("a", 0.10, 0.05, 0.5, 0.6),
            result("b", 0.20, 0.30, 0.5, 0.4),
            result("c", 0.10, 0.10, 0.5, 0.5),
            result("d", 0.40, 0.10, 0.5, 0.9),
            result("e", 0.00, 0.00, 0.5, 0.5)));

    @Test
    void ratiosAreTakenScenarioByScenarioAndSummedUpByMedianAndPercentiles() {
        FamilySummary.Ratio slo = family.ratios().get("sloViolationRate").get("mu");
        assertThat(slo.values()).containsExactly(0.5, 1.5, 1.0, 0.25, 1.0);
        assertThat(slo.median()).isEqualTo(1.0);
        // sorted 0.25 0.5 1 1 1.5: p10 at position 0.4, p90 at position 3.6
        assertThat(slo.p10()).isEqualTo(0.35);
        assertThat(slo.p90()).isEqualTo(1.3);
        assertThat(slo.noWorse()).isEqualTo(4);
        assertThat(slo.of()).isEqualTo(5);
        assertThat(family.ratios().get("sloViolationRate")).doesNotContainKey("knative");
    }

    @Test
    void forFiguresWhereMoreIsBetterNoWorseMeansAtLeastAsHigh() {
        FamilySummary.Ratio minSat = family.ratios().get("minSatisfaction").get("mu");
        assertThat(minSat.noWorse()).isEqualTo(4);
        assertThat(minSat.values()).containsExactly(1.2, 0.8, 1.0, 1.8, 1.0);
    }

    @Test
    void aZeroBaselineGivesOneWhenBothAreZeroAndInfinityOtherwise() {
        assertThat(Measures.ratio(0, 0)).isEqualTo(1.0);
        assertThat(Measures.ratio(3, 0)).isInfinite();
        assertThat(family.ratios().get("dropped").get("mu").values()).containsExactly(1.0, 1.0, 1.0, 1.0, 1.0);
        assertThat(FamilySummary.quantile(new double[] {0.5, 1, Double.POSITIVE_INFINITY}, 0.9)).isInfinite();
        assertThat(FamilySummary.quantile(new double[] {0.5, 1, Double.POSITIVE_INFINITY}, 0.5)).isEqualTo(1.0);
    }

    @Test
    void aMissingBaselineIsRefused() {
        assertThatThrownBy(() -> FamilySummary.of(1, "knative+hist", family.results()))
                .hasMessageContaining("the baseline knative+hist is not among the systems [knative, mu]");
    }

    @Test
    void theChartIsWellFormedSvgWithADotPerScenarioPerRow() throws Exception {
        String svg = FamilyChart.svg(family);
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        assertThat(doc.getDocumentElement().getTagName()).isEqualTo("svg");
        assertThat(doc.getElementsByTagName("circle").getLength()).isEqualTo(Measures.FIGURES.size() * 5);
        assertThat(svg).contains("minSatisfaction (higher is better)", "mu 4/5");
        assertThat(FamilyChart.x(1)).isBetween(FamilyChart.x(0.1), FamilyChart.x(10));
        assertThat(FamilyChart.x(Double.POSITIVE_INFINITY)).isEqualTo(FamilyChart.x(10));
        assertThat(FamilyChart.x(0)).isEqualTo(FamilyChart.x(0.1));
    }

    @Test
    void theTableShowsEachSystemsMedianPercentilesAndNoWorseCount() {
        assertThat(ComparisonTable.render(family)).contains("family 9 — 5 scenarios", "sloViolationRate", "1.00x [0.35, 1.30] 4/5",
                "minSatisfaction (↑)");
    }
}
