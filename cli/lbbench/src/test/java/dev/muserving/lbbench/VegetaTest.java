package dev.muserving.lbbench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VegetaTest {

    /** A line as `vegeta encode -to=csv` writes it: start (ns), code, latency (ns), bytes out, bytes in, error, body… */
    private static String line(long startNanos, int code, long latencyMicros, String error) {
        return startNanos + "," + code + "," + latencyMicros * 1000 + ",0,12," + error + ",aGVsbG8K,,1,GET,http://127.0.0.1:1/,";
    }

    @Test
    void percentilesAreNearestRankOverEveryRequestAndErrorsAreAnythingButAnAnswer() {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 1000; i++) { // 100 per second for 10 s, latencies 1..1000 µs
            lines.add(line(1_000_000_000L + i * 10_000_000L, 200, i + 1, ""));
        }
        lines.set(5, line(1_050_000_000L, 0, 6, "\"Get \"\"http://127.0.0.1:1/\"\": connection refused\""));
        lines.set(6, line(1_060_000_000L, 502, 7, ""));
        lines.add("");

        LbBench.RateFigures f = Vegeta.Results.parse(lines).figures(Duration.ZERO, null);

        assertThat(f.requests()).isEqualTo(1000);
        assertThat(f.achievedRps()).isCloseTo(100, org.assertj.core.data.Offset.offset(0.01));
        assertThat(f.p50Ms()).isEqualTo(0.5);
        assertThat(f.p99Ms()).isEqualTo(0.99);
        assertThat(f.p999Ms()).isEqualTo(0.999);
        assertThat(f.errors()).isEqualTo(2);
    }

    @Test
    void aLineThatIsNotVegetasIsNamed() {
        assertThatThrownBy(() -> Vegeta.Results.parse(List.of("Requests [total] 10"))).hasMessageContaining("not a vegeta CSV line");
        assertThat(Vegeta.Results.parse(List.of()).figures(Duration.ZERO, null).requests()).isZero();
    }

    @Test
    void theWarmUpIsLeftOutOfTheCountedFiguresAndSummedApart() {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 50; i++) { // 10 per second: 2 s of slow start, then 3 s of fast answers
            lines.add(line(i * 100_000_000L, i == 3 ? 503 : 200, i < 20 ? 400_000 + i : 1_000, ""));
        }
        LbBench.RateFigures counted = Vegeta.Results.parse(lines).figures(Duration.ofSeconds(2), null);
        assertThat(counted.requests()).isEqualTo(30);
        assertThat(counted.p99Ms()).isEqualTo(1.0);
        assertThat(counted.errors()).isZero();
        LbBench.RateFigures start = Vegeta.Results.parse(lines).figures(Duration.ZERO, Duration.ofSeconds(2));
        assertThat(start.requests()).isEqualTo(20);
        assertThat(start.p50Ms()).isEqualTo(400.009);
        assertThat(start.errors()).isEqualTo(1);
        assertThat(Vegeta.Results.parse(lines).figures(Duration.ZERO, null).p99Ms()).isEqualTo(400.019);
    }
}
