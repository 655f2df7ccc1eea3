package dev.muserving.dataplane.activator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.muserving.api.Arch;
import dev.muserving.api.FunctionKey;
import dev.muserving.dataplane.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileEndpointSourceTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(300);
    private static final String GOOD = """
            functions:
              - namespace: demo
                name: echo
                containerConcurrency: 4
                timeoutSeconds: 30
                endpoints:
                  - {pod: echo-0, address: "127.0.0.1:8013", arch: arm64}
                  - {address: "10.0.0.7:8012"}
              - name: empty
            """;

    @Test
    void readsFunctionsTheirLimitsAndTheirPods() {
        List<FunctionRoute> routes = FileEndpointSource.parse(GOOD, "endpoints.yaml", TIMEOUT);
        assertThat(routes).hasSize(2);
        FunctionRoute echo = routes.get(0);
        assertThat(echo.key()).isEqualTo(new FunctionKey("demo", "echo"));
        assertThat(echo.containerConcurrency()).isEqualTo(4);
        assertThat(echo.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(echo.endpoints()).containsExactly(
                new Endpoint("echo-0", "127.0.0.1", 8013, Arch.ARM64), new Endpoint("10.0.0.7:8012", "10.0.0.7", 8012, Arch.AMD64));
        assertThat(routes.get(1).key()).isEqualTo(new FunctionKey("default", "empty"));
        assertThat(routes.get(1).timeout()).isEqualTo(TIMEOUT);
        assertThat(routes.get(1).endpoints()).isEmpty();
    }

    @Test
    void everyMistakeNamesItsField() {
        assertThatThrownBy(() -> FileEndpointSource.parse("functions:\n  - name: echo\n    endpoints: [{address: nowhere}]\n", "e.yaml", TIMEOUT))
                .isInstanceOf(ConfigException.class)
                .hasMessage("e.yaml: functions[0].endpoints[0].address: must be host:port, got 'nowhere'");
        assertThatThrownBy(() -> FileEndpointSource.parse("functions:\n  - name: echo\n    containerConcurency: 4\n", "e.yaml", TIMEOUT))
                .hasMessageStartingWith("e.yaml: functions[0].containerConcurency: unknown field; known: ");
        assertThatThrownBy(() -> FileEndpointSource.parse("functions:\n  - name: Echo\n", "e.yaml", TIMEOUT))
                .hasMessageContaining("functions[0].name: must be a DNS label");
        assertThatThrownBy(() -> FileEndpointSource.parse("functions:\n  - name: a\n  - name: a\n", "e.yaml", TIMEOUT))
                .hasMessage("e.yaml: functions[1]: default/a is listed twice");
        assertThatThrownBy(() -> FileEndpointSource.parse("functions:\n  - name: a\n    endpoints: [{address: 'h:1', arch: sparc}]\n", "e.yaml", TIMEOUT))
                .hasMessage("e.yaml: functions[0].endpoints[0].arch: must be amd64 or arm64, got 'sparc'");
        assertThatThrownBy(() -> FileEndpointSource.parse("functions: [\n", "e.yaml", TIMEOUT))
                .hasMessageStartingWith("e.yaml:").hasMessageContaining("not valid YAML");
    }

    @Test
    void aChangedFileIsReloadedAndABrokenOneKeepsTheLastGoodState(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("endpoints.yaml");
        Files.writeString(file, GOOD);
        List<List<FunctionRoute>> seen = new CopyOnWriteArrayList<>();
        List<String> problems = new CopyOnWriteArrayList<>();
        try (FileEndpointSource source = new FileEndpointSource(file, Duration.ofMillis(50), TIMEOUT, problems::add)) {
            source.start(seen::add);
            assertThat(seen).hasSize(1);

            Files.writeString(file, "functions:\n  - name: only\n");
            Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(10)));
            await().until(() -> seen.size() == 2);
            assertThat(seen.get(1)).extracting(FunctionRoute::key).containsExactly(new FunctionKey("default", "only"));

            Files.writeString(file, "functions:\n  - name: only\n    timeoutSeconds: never\n");
            Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(20)));
            await().until(() -> !problems.isEmpty());
            assertThat(problems.get(0)).contains("functions[0].timeoutSeconds: must be a positive number").endsWith("keeping the previous endpoints");
            assertThat(seen).hasSize(2);
        }
    }
}
