package dev.muserving.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same seed gives the same summary in separate JVMs too: each JVM salts the iteration order of
 * Set.of/Map.of differently, so a policy that walks such a collection shows up here and not in a
 * test that runs twice in one process.
 */
class ReproducibleAcrossProcessesTest {

    @TempDir
    Path dir;

    @Test
    void threeProcessesWriteTheSameSummary() throws IOException, InterruptedException {
        List<List<String>> summaries = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Path out = dir.resolve("run-" + i);
            Process process = new ProcessBuilder(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"),
                    Mu.class.getName(), "bench", "--quick", "--no-progress", "--systems", "knative,mu",
                    "--out", out.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("log-" + i).toFile())
                    .start();
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("run %d finished", i).isTrue();
            assertThat(process.exitValue()).as(Files.readString(dir.resolve("log-" + i))).isZero();
            summaries.add(Files.readAllLines(out.resolve("summary.json")).stream()
                    .filter(line -> !line.contains("\"wallSeconds\""))
                    .toList());
        }
        assertThat(summaries.get(1)).isEqualTo(summaries.get(0));
        assertThat(summaries.get(2)).isEqualTo(summaries.get(0));
    }
}
