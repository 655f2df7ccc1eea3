package dev.muserving.bench.report;

import dev.muserving.bench.sim.DecisionListener;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * Writes the chosen functions' decisions, tick by tick and system after system, to
 * {@code decisions.csv} ({@code mu bench --trace}, docs/bench.md).
 */
public final class DecisionsCsv implements DecisionListener, AutoCloseable {

    static final String HEADER = "system,second,function,desiredReplicas,requiredReplicas,pods,arm64Pods,readyPods,unplacedPods,"
            + "requestsInSystem,reason";

    private final Set<String> functions;
    private final BufferedWriter out;

    public DecisionsCsv(Path directory, Set<String> functions) throws IOException {
        this.functions = Set.copyOf(functions);
        this.out = Files.newBufferedWriter(directory.resolve(SummaryFiles.DECISIONS_CSV), StandardCharsets.UTF_8);
        out.write(HEADER);
        out.newLine();
    }

    @Override
    public void decided(Decision d) {
        if (!functions.contains(d.function())) {
            return;
        }
        try {
            out.write(String.format(Locale.ROOT, "%s,%.0f,%s,%d,%d,%d,%d,%d,%d,%d,%s", d.system(), d.second(), d.function(),
                    d.desiredReplicas(), d.requiredReplicas(), d.pods(), d.arm64Pods(), d.readyPods(), d.unplacedPods(), d.requestsInSystem(),
                    quoted(d.reason())));
            out.newLine();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + SummaryFiles.DECISIONS_CSV + ": " + e.getMessage(), e);
        }
    }

    /** RFC 4180: the reasons hold commas, so the field is quoted and its quotes doubled. */
    static String quoted(String field) {
        return '"' + field.replace("\"", "\"\"") + '"';
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
