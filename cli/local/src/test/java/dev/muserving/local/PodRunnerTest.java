package dev.muserving.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PodRunnerTest {

    @Test
    void aProcessThatExitedBeforeListeningIsReportedWithTheEndOfItsLog(@TempDir Path dir) throws Exception {
        Path log = Files.writeString(dir.resolve("fn-amd64-1.log"),
                "starting\nsetsid: failed to execute /no/such/binary: No such file or directory\n\n");
        assertThat(PodRunner.lastLine(log)).isEqualTo("; " + log + " ends: setsid: failed to execute /no/such/binary: No such file or directory");
        assertThat(PodRunner.lastLine(Files.writeString(dir.resolve("empty.log"), ""))).endsWith("empty.log is empty");
        assertThat(PodRunner.lastLine(Files.writeString(dir.resolve("long.log"), "x".repeat(1000)))).hasSizeLessThan(400).endsWith("…");
        assertThat(PodRunner.lastLine(dir.resolve("missing.log"))).isEqualTo("; its log " + dir.resolve("missing.log") + " cannot be read");
    }
}
