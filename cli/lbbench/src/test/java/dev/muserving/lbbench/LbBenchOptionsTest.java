package dev.muserving.lbbench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.muserving.api.BadInputException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LbBenchOptionsTest {

    private static LbBenchOptions options(Duration duration, int rounds, int threads, List<String> targets) {
        return new LbBenchOptions(4, duration, 64, threads, rounds, Duration.ofSeconds(1), Duration.ofSeconds(5), 1, 0, 0, 2, targets, List.of(50), List.of(), Duration.ofSeconds(2), 1, false, CpuPinning.NONE,
                FixedRateGenerator.Kind.VEGETA);
    }

    @Test
    void badCombinationsAreRefusedWithTheOptionNamed() {
        assertThatThrownBy(() -> options(Duration.ofSeconds(2), 4, 2, LbBenchOptions.ALL_TARGETS))
                .isInstanceOf(BadInputException.class).hasMessageContaining("--duration 2s is too short for 4 rounds");
        assertThatThrownBy(() -> options(Duration.ofSeconds(20), 4, 65, LbBenchOptions.ALL_TARGETS))
                .hasMessageContaining("--threads (65) must not exceed --connections (64)");
        assertThatThrownBy(() -> options(Duration.ofSeconds(20), 4, 2, List.of("envoy")))
                .hasMessage("unknown target 'envoy'; known targets: direct, mu, mu-round-robin, netty-floor, nginx, haproxy");
        assertThatThrownBy(() -> new LbBenchOptions(4, Duration.ofSeconds(20), 64, 2, 4, Duration.ofSeconds(10), Duration.ofSeconds(5),
                1, 0, 0, 2, List.of("mu"), List.of(), List.of(), Duration.ZERO, 1, false, CpuPinning.NONE, null))
                .hasMessage("--warmup-limit (5s) must be at least --warmup (10s)");
        assertThatThrownBy(() -> new LbBenchOptions(4, Duration.ofSeconds(20), 64, 2, 4, Duration.ofSeconds(1), Duration.ofSeconds(5),
                1, 0, 0, 2, List.of("mu"), List.of(50, 0), List.of(), Duration.ofSeconds(5), 1, false, CpuPinning.NONE, null))
                .hasMessageContaining("--fixed-rate 0");
        assertThatThrownBy(() -> new LbBenchOptions(4, Duration.ofSeconds(20), 64, 2, 4, Duration.ofSeconds(1), Duration.ofSeconds(5),
                1, 0, 0, 2, List.of("mu"), List.of(50), List.of(), Duration.ofSeconds(5), 0, false, CpuPinning.NONE, null))
                .hasMessageContaining("--fixed-rate-rounds must be at least 1");
        // found by an outside probe: wrk runs whole seconds, so 500ms ran as 1 s each, past --warmup-limit, and 20s over 3 rounds as 6 s
        assertThatThrownBy(() -> new LbBenchOptions(4, Duration.ofSeconds(20), 64, 2, 4, Duration.ofMillis(500), Duration.ofSeconds(1),
                1, 0, 0, 2, List.of("mu"), List.of(), List.of(), Duration.ZERO, 1, false, CpuPinning.NONE, null))
                .hasMessage("--warmup must be whole seconds (wrk and the load generators run whole seconds), got 500ms");
        assertThatThrownBy(() -> options(Duration.ofSeconds(20), 3, 2, List.of("mu")))
                .hasMessage("--duration 20s over --rounds 3 gives 6.667 s a run; wrk runs whole seconds: give a --duration that --rounds"
                        + " divides into whole seconds");
        assertThatThrownBy(() -> FixedRateGenerator.Kind.named("wrk2"))
                .isInstanceOf(BadInputException.class).hasMessage("--load-generator wrk2: known generators: vegeta, netty");
        assertThat(FixedRateGenerator.Kind.named("netty")).isEqualTo(FixedRateGenerator.Kind.NETTY);
    }

    @Test
    void eachRoundGetsItsShareOfTheDuration() {
        assertThat(options(Duration.ofSeconds(20), 4, 2, List.of("mu")).perRun()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void missingProgramsAreNamedWithTheDebianPackagesThatInstallThem() {
        assertThatThrownBy(() -> Tools.require(List.of("wrk", "nginx", "haproxy"),
                program -> program.equals("nginx") ? Optional.of(Path.of("/usr/sbin/nginx")) : Optional.empty()))
                .isInstanceOf(BadInputException.class)
                .hasMessage("lb-bench needs wrk, haproxy, which are not installed; install with: sudo apt-get install wrk haproxy"
                        + " (or leave the target out with --targets)");
        assertThat(Tools.require(List.of("nginx"), program -> Optional.of(Path.of("/usr/sbin/nginx"))))
                .containsEntry("nginx", Path.of("/usr/sbin/nginx"));
    }
}
