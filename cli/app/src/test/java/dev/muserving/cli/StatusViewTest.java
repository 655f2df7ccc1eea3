package dev.muserving.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muserving.api.Arch;
import dev.muserving.local.FunctionStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusViewTest {

    @Test
    void eachFunctionShowsItsPodsPerArchitectureRateAndLatencyAgainstItsSlo() {
        String view = StatusView.render(List.of(
                new FunctionStatus("demo/echo", Map.of(Arch.AMD64, 2, Arch.ARM64, 1), 0, 3, 41.25, 8, 50, "rate 41/s → 3"),
                new FunctionStatus("demo/resize", Map.of(Arch.AMD64, 1), 2, 3, 9, 512, 300, "backlog"),
                new FunctionStatus("demo/webhook", Map.of(), 0, 0, 0, Double.NaN, 2000, "idle 20s → 0")));
        List<String> lines = view.lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).startsWith("FUNCTION").contains("READY amd/arm", "P99 / SLO", "LAST SCALE REASON");
        assertThat(lines.get(1)).startsWith("demo/echo").contains(" 2/1 ", " 41.3 ", "8ms / 50ms ok", "rate 41/s → 3");
        assertThat(lines.get(2)).contains(" 1/0 ", "512ms / 300ms MISS");
        assertThat(lines.get(3)).contains(" 0/0 ", "- / 2.0s", "idle 20s → 0");
    }
}
