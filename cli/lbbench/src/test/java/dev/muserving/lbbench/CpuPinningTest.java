package dev.muserving.lbbench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.muserving.api.BadInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class CpuPinningTest {

    private static final TreeSet<Integer> FOUR = new TreeSet<>(List.of(0, 1, 2, 3));

    @Test
    void theBalancersGetTheirCpusAndEverythingElseTheRest() {
        CpuPinning pinning = CpuPinning.balancersOn("2-3", FOUR, true);
        assertThat(pinning.balancers()).containsExactly(2, 3);
        assertThat(pinning.rest()).containsExactly(0, 1);
        assertThat(pinning.balancer(List.of("nginx", "-c", "x"))).containsExactly("/usr/bin/taskset", "--cpu-list", "2,3", "nginx", "-c", "x");
        assertThat(pinning.load(List.of("wrk"))).containsExactly("/usr/bin/taskset", "--cpu-list", "0,1", "wrk");
        assertThat(CpuPinning.balancersOn("1,3", FOUR, true).rest()).containsExactly(0, 2);
    }

    @Test
    void withoutPinningCommandsRunAsGiven() {
        assertThat(CpuPinning.NONE.pinned()).isFalse();
        assertThat(CpuPinning.NONE.balancer(List.of("haproxy", "-db"))).containsExactly("haproxy", "-db");
        assertThat(CpuPinning.NONE.load(List.of("vegeta"))).containsExactly("vegeta");
    }

    @Test
    void badListsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> CpuPinning.balancersOn("one", FOUR, true)).isInstanceOf(BadInputException.class)
                .hasMessage("not a CPU list: 'one' (e.g. 1, 2-3 or 1,3)");
        assertThatThrownBy(() -> CpuPinning.balancersOn("3-1", FOUR, true)).hasMessageStartingWith("not a CPU list: '3-1'");
        assertThatThrownBy(() -> CpuPinning.balancersOn("0-2000000000", FOUR, true)).hasMessageStartingWith("not a CPU list");
        assertThatThrownBy(() -> CpuPinning.balancersOn("", FOUR, true)).hasMessageStartingWith("not a CPU list");
        assertThatThrownBy(() -> CpuPinning.balancersOn("4", FOUR, true))
                .hasMessage("--balancer-cpus 4: this process may run on CPUs 0,1,2,3 only");
        assertThatThrownBy(() -> CpuPinning.balancersOn("0-3", FOUR, true))
                .hasMessage("--balancer-cpus 0-3 leaves no CPU for the backends and the load generator (CPUs 0,1,2,3)");
        assertThatThrownBy(() -> CpuPinning.balancersOn("1", FOUR, false))
                .hasMessageContaining("needs taskset, which is not installed; install with: sudo apt-get install util-linux");
    }

    /** The kernel's own word: a program started through the pinning may run on the CPUs given and no others. */
    @Test
    void aPinnedProgramRunsOnItsCpusOnly() throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.isExecutable(CpuPinning.TASKSET), "taskset is not installed (Debian: util-linux)");
        Assumptions.assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "pinning needs two CPUs: one for each side");
        CpuPinning pinning = CpuPinning.balancersOn("1");
        List<String> status = List.of("grep", "Cpus_allowed_list", "/proc/self/status");
        assertThat(allowedCpus(pinning.balancer(status))).containsExactly(1);
        assertThat(allowedCpus(pinning.load(status))).isEqualTo(pinning.rest()).doesNotContain(1);
    }

    private static SortedSet<Integer> allowedCpus(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(process.waitFor()).as(out).isZero();
        return CpuPinning.parse(out.substring(out.indexOf(':') + 1).trim());
    }
}
