package dev.muserving.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildProcessTest {

    /** A shell that starts a program of its own and reports, as a user's {@code local.command} may. */
    private static ChildProcess shellWithAChild(Path log) throws Exception {
        return ChildProcess.start("family", List.of("sh", "-c", "sleep 300 & echo started; wait"), Map.of(), log, Duration.ofSeconds(10));
    }

    @Test
    void stoppingAProcessStopsTheProcessesItStarted(@TempDir Path dir) throws Exception {
        ChildProcess shell = shellWithAChild(dir.resolve("stop.log"));
        List<ProcessHandle> children = ProcessHandle.of(shell.pid()).orElseThrow().descendants().toList();
        assertThat(children).isNotEmpty();

        shell.stop(Duration.ofSeconds(2));

        assertThat(shell.isAlive()).isFalse();
        assertThat(children).noneMatch(ProcessHandle::isAlive);
    }

    @Test
    void killingAProcessKillsTheProcessesItStartedAndSaysHowItEnded(@TempDir Path dir) throws Exception {
        ChildProcess shell = shellWithAChild(dir.resolve("kill.log"));
        List<ProcessHandle> children = ProcessHandle.of(shell.pid()).orElseThrow().descendants().toList();

        shell.kill();

        assertThat(children).noneMatch(ProcessHandle::isAlive);
        assertThat(shell.exitDescription()).isEqualTo("killed by signal 9");
    }

    @Test
    void aChildHasAProcessGroupOfItsOwnSoCtrlCInTheTerminalReachesOnlyThisProcess(@TempDir Path dir) throws Exception {
        ChildProcess shell = shellWithAChild(dir.resolve("group.log"));
        try {
            assertThat(processGroup(shell.pid())).isEqualTo(shell.pid()).isNotEqualTo(processGroup(ProcessHandle.current().pid()));
            assertThat(ProcessHandle.of(shell.pid()).orElseThrow().info().command().orElseThrow()).endsWith("sh"); // the program's own pid
        } finally {
            shell.kill();
        }
    }

    @Test
    void aChildDiesWithTheProcessThatStartedItEvenWhenThatOneIsKilled(@TempDir Path dir) throws Exception {
        ChildProcess parent = ChildProcess.java("parent", ParentOfASleeperMain.class.getName(), ChildProcess.QUICK_START,
                Map.of("SLEEPER_LOG", dir.resolve("sleeper.log").toString()), dir.resolve("parent.log"), Duration.ofSeconds(30));
        ProcessHandle sleeper = ProcessHandle.of(Long.parseLong(parent.firstLine().replaceAll("\\D", ""))).orElseThrow();
        assertThat(sleeper.isAlive()).isTrue();

        ProcessHandle.of(parent.pid()).orElseThrow().destroyForcibly(); // SIGKILL to the parent alone, as `kill -9` of mu local

        await().atMost(Duration.ofSeconds(10)).until(() -> !sleeper.isAlive());
    }

    @Test
    void aStartInterruptedLeavesNoProcessAndTheInterruptStands(@TempDir Path dir) {
        Thread.currentThread().interrupt(); // as mu local's shutdown interrupts a pod that is starting
        try {
            assertThatThrownBy(() -> ChildProcess.launch("interrupted", List.of("sleep", "301"), Map.of(), dir.resolve("i.log")))
                    .isInstanceOf(IOException.class).hasMessageContaining("interrupted while starting");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.current().children()
                .noneMatch(p -> p.isAlive() && p.info().arguments().map(a -> List.of(a).contains("301")).orElse(false)));
    }

    /** Field 5 of /proc/PID/stat, after the command in parentheses. */
    private static long processGroup(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[2]);
    }
}
