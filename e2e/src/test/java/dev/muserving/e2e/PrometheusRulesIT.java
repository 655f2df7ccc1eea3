package dev.muserving.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muserving.api.testing.KubernetesControlPlane;
import dev.muserving.api.testing.Programs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Mu's Prometheus rules are valid, each alert fires when it should and not otherwise, and the chart ships the same file. */
class PrometheusRulesIT {

    private static final Path RULES = KubernetesControlPlane.repositoryRoot().resolve("deploy/prometheus");

    @BeforeAll
    static void needsPromtool() {
        Assumptions.assumeTrue(Programs.onPath("promtool"),
                "promtool is not installed (Debian: apt-get install prometheus); ./test.sh installs it when run as root");
    }

    private static String promtool(String... args) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(java.util.stream.Stream.concat(java.util.stream.Stream.of("promtool"), java.util.stream.Stream.of(args))
                .toList()).directory(RULES.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("promtool %s:%n%s", String.join(" ", args), output).isZero();
        return output;
    }

    @Test
    void theRulesAreValid() throws Exception {
        assertThat(promtool("check", "rules", "mu-rules.yaml")).contains("SUCCESS: 7 rules found");
    }

    @Test
    void eachAlertFiresWhenItShouldAndNotOtherwise() throws Exception {
        assertThat(promtool("test", "rules", "mu-rules.test.yaml")).contains("SUCCESS");
    }

    @Test
    void theChartShipsTheSameRulesAndDashboards() throws IOException {
        assertThat(Files.readString(Helm.CHART.resolve("files/mu-rules.yaml"))).isEqualTo(Files.readString(RULES.resolve("mu-rules.yaml")));
        Path dashboards = KubernetesControlPlane.repositoryRoot().resolve("deploy/dashboards");
        try (var files = Files.list(dashboards)) {
            for (Path dashboard : files.toList()) {
                assertThat(Helm.CHART.resolve("files/dashboards").resolve(dashboard.getFileName())).as(dashboard.getFileName().toString())
                        .hasSameTextualContentAs(dashboard);
            }
        }
    }
}
