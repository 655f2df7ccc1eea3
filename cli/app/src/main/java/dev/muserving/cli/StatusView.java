package dev.muserving.cli;

import dev.muserving.api.Arch;
import dev.muserving.local.FunctionStatus;
import java.util.List;
import java.util.Locale;

/** {@code mu local}'s table of functions, as text; pure, so a test can read it. */
final class StatusView {

    private static final String FORMAT = "%-24s %-13s %8s %7s %7s  %-17s %s%n";

    private StatusView() {}

    static String render(List<FunctionStatus> functions) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, FORMAT, "FUNCTION", "READY amd/arm", "STARTING", "DESIRED", "RPS", "P99 / SLO",
                "LAST SCALE REASON"));
        for (FunctionStatus fn : functions) {
            String ready = fn.ready().getOrDefault(Arch.AMD64, 0) + "/" + fn.ready().getOrDefault(Arch.ARM64, 0);
            String latency = Double.isNaN(fn.p99Millis())
                    ? "- / " + millis(fn.sloMillis())
                    : millis(fn.p99Millis()) + " / " + millis(fn.sloMillis()) + (fn.p99Millis() <= fn.sloMillis() ? " ok" : " MISS");
            out.append(String.format(Locale.ROOT, FORMAT, fn.function(), ready, fn.starting(), fn.desired(),
                    String.format(Locale.ROOT, "%.1f", fn.rps()), latency, fn.lastScaleReason()));
        }
        return out.toString();
    }

    private static String millis(double ms) {
        return ms >= 1000 ? String.format(Locale.ROOT, "%.1fs", ms / 1000) : String.format(Locale.ROOT, "%.0fms", ms);
    }
}
