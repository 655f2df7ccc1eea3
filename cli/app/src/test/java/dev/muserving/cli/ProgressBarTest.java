package dev.muserving.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

    private final StringWriter err = new StringWriter();
    private long nanos;

    private ProgressBar bar(boolean terminal) {
        return new ProgressBar(new PrintWriter(err, true), "knative", terminal, () -> nanos);
    }

    @Test
    void aShortRunPrintsNothing() {
        ProgressBar bar = bar(true);
        nanos = 1_000_000_000L;
        bar.progress(50, 100);
        bar.progress(100, 100);
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void aLongRunRedrawsInPlaceOnATerminalAndEndsTheLine() {
        ProgressBar bar = bar(true);
        nanos = 3_000_000_000L;
        bar.progress(25, 100);
        nanos += 100_000_000L;
        bar.progress(30, 100); // too soon to redraw
        nanos += 300_000_000L;
        bar.progress(100, 100);
        String out = err.toString();
        assertThat(out).startsWith("\rknative      [########                      ]  25 %");
        assertThat(out).doesNotContain(" 30 %");
        assertThat(out).contains("\rknative      [##############################] 100 %").endsWith("\n");
    }

    @Test
    void elsewhereItPrintsALinePerQuarter() {
        ProgressBar bar = bar(false);
        nanos = 3_000_000_000L;
        for (int s = 0; s <= 100; s += 5) {
            bar.progress(s, 100);
        }
        assertThat(err.toString().lines()).hasSize(4)
                .first().asString().startsWith("knative: 25 % (25 / 100 s simulated");
        assertThat(err.toString()).doesNotContain("\r");
    }

    @Test
    void aLineSaysHowFarItIsNotWhichQuarterItPassed() {
        ProgressBar bar = bar(false);
        nanos = 3_000_000_000L;
        bar.progress(255, 600);
        assertThat(err.toString()).startsWith("knative: 42 % (255 / 600 s simulated");
    }

    @Test
    void aLineSaysHowLongIsLeftAtThePaceSoFar() {
        ProgressBar bar = bar(false);
        nanos = 3_000_000_000L;
        bar.progress(0, 100);
        nanos = 40_000_000_000L;
        bar.progress(25, 100); // 25 % in 40 s: 120 s to go
        nanos = 160_000_000_000L;
        bar.progress(100, 100);
        assertThat(err.toString().lines()).containsExactly(
                "knative: 25 % (25 / 100 s simulated, 40.0 s, about 2 min left)",
                "knative: 100 % (100 / 100 s simulated, 160.0 s)");
    }

    @Test
    void spansReadAsAPersonReadsThem() {
        assertThat(ProgressBar.roughly(42.4)).isEqualTo("42 s");
        assertThat(ProgressBar.roughly(12 * 60)).isEqualTo("12 min");
        assertThat(ProgressBar.roughly(3 * 3600 + 20 * 60)).isEqualTo("3 h 20 min");
        assertThat(ProgressBar.roughly(35 * 86_400)).isEqualTo("35 days");
    }
}
