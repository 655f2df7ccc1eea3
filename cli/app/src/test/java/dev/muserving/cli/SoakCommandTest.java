package dev.muserving.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A short soak, end to end: mu local in its own process, mixed load, function processes killed,
 * readings of the process before and after. The leak figures come from the ten-minute run
 * (docs/dataplane.md); here the pieces must work and no request may fail but those a killed pod held.
 */
class SoakCommandTest {

    @TempDir
    Path out;

    @Test
    void aShortSoakKillsPodsLosesNothingElseAndReadsTheProcessBeforeAndAfter() throws Exception {
        StringWriter stdout = new StringWriter();
        CommandLine cli = Mu.commandLine();
        cli.setOut(new PrintWriter(stdout));
        cli.setErr(new PrintWriter(new StringWriter()));
        int exit = cli.execute("soak", "--duration", "12s", "--kill-every", "4s", "--rate", "40", "--warm-up", "2s", "--quiet", "1s",
                "--settle-limit", "90s", "--out", out.toString());

        JsonNode soak = new ObjectMapper().readTree(out.resolve("soak.json").toFile());
        JsonNode requests = soak.get("requests");
        assertThat(soak.get("kills").size()).as(stdout.toString()).isGreaterThanOrEqualTo(2);
        assertThat(requests.get("sent").asLong()).isGreaterThan(300);
        assertThat(requests.get("errors").asLong()).as(requests.toString()).isZero();
        assertThat(requests.get("ok").asLong() + requests.get("heldByKilledPods").asLong()).isEqualTo(requests.get("sent").asLong());
        assertThat(soak.get("podsReady").asLong()).as("the starting pods and a replacement per kill")
                .isGreaterThanOrEqualTo(2 + soak.get("kills").size());
        for (String reading : new String[] {"start", "end"}) {
            assertThat(soak.get(reading).get("heapAfterGcBytes").asLong()).isPositive();
            assertThat(soak.get(reading).get("rssBytes").asLong()).isPositive();
            assertThat(soak.get(reading).get("fds").asLong()).isPositive();
        }
        assertThat(soak.get("checks").get("noErrorsButRequestsHeldByKilledPods").asBoolean()).isTrue();
        assertThat(soak.get("checks").get("functionsAtMinimumScaleAtBothReadings").asBoolean()).isTrue();
        assertThat(stdout.toString()).contains("held by killed pods").contains("wrote " + out.resolve("soak.json"));
        assertThat(exit).isIn(0, Mu.EXIT_TARGET_MISSED); // when the heap or the descriptors missed: with a 1 s quiet, pooled connections may still be open
    }
}
