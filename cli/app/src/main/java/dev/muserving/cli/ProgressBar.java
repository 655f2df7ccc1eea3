package dev.muserving.cli;

import dev.muserving.bench.sim.ProgressListener;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A progress bar on stderr for runs that take more than a moment: silent for the first
 * {@link #QUIET_NANOS}, then redrawn in place on a terminal, or a line per quarter elsewhere (logs).
 */
final class ProgressBar implements ProgressListener {

    static final long QUIET_NANOS = 2_000_000_000L;
    private static final long REDRAW_NANOS = 200_000_000L;
    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final String label;
    private final boolean terminal;
    private final LongSupplier nanoTime;
    private final long started;
    private long lastDrawn;
    private int lastQuarter;
    private boolean shown;

    ProgressBar(PrintWriter err, String label, boolean terminal, LongSupplier nanoTime) {
        this.err = err;
        this.label = label;
        this.terminal = terminal;
        this.nanoTime = nanoTime;
        this.started = nanoTime.getAsLong();
    }

    @Override
    public void progress(double simulatedSeconds, double totalSeconds) {
        long now = nanoTime.getAsLong();
        boolean done = simulatedSeconds >= totalSeconds;
        if (now - started < QUIET_NANOS && !(done && shown)) {
            return;
        }
        double fraction = totalSeconds <= 0 ? 1 : Math.min(1, simulatedSeconds / totalSeconds);
        if (terminal) {
            if (done || now - lastDrawn >= REDRAW_NANOS) {
                lastDrawn = now;
                int filled = (int) Math.round(fraction * WIDTH);
                err.printf(Locale.ROOT, "\r%-12s [%s%s] %3.0f %%  %,.0f / %,.0f s simulated, %.1f s%s",
                        label, "#".repeat(filled), " ".repeat(WIDTH - filled), fraction * 100,
                        simulatedSeconds, totalSeconds, (now - started) / 1e9, done ? "\n" : left(now, fraction) + "   ");
                err.flush();
                shown = !done;
            }
        } else {
            int quarter = (int) (fraction * 4);
            if (quarter > lastQuarter) {
                lastQuarter = quarter;
                err.printf(Locale.ROOT, "%s: %d %% (%,.0f / %,.0f s simulated, %.1f s%s)%n",
                        label, (int) (fraction * 100), simulatedSeconds, totalSeconds, (now - started) / 1e9,
                        done ? "" : left(now, fraction));
                err.flush();
                shown = !done;
            }
        }
    }

    /** What is left at the pace so far: a run's pace hardly changes, as every simulated second costs about the same. */
    private String left(long now, double fraction) {
        return fraction <= 0 ? "" : ", about " + roughly((now - started) / 1e9 * (1 - fraction) / fraction) + " left";
    }

    /** A wall-clock span as a person reads it: 42 s, 12 min, 3 h 20 min, 35 days. */
    static String roughly(double seconds) {
        if (seconds < 90) {
            return Math.round(seconds) + " s";
        }
        if (seconds < 90 * 60) {
            return Math.round(seconds / 60) + " min";
        }
        if (seconds < 48 * 3600) {
            long minutes = Math.round(seconds / 60);
            return minutes / 60 + " h " + minutes % 60 + " min";
        }
        return Math.round(seconds / 86_400) + " days";
    }
}
