package dev.muserving.bench.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** Writes summary.json and functions.csv into an output directory. */
public final class SummaryFiles {

    public static final String SUMMARY = "summary.json";
    public static final String FUNCTIONS_CSV = "functions.csv";
    public static final String SEEDS = "seeds.json";
    public static final String FAMILY = "family.json";
    public static final String FAMILY_CHART = "family.svg";
    /** Written by {@code --trace} only, by {@link DecisionsCsv}. */
    public static final String DECISIONS_CSV = "decisions.csv";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SummaryFiles() {}

    public static void write(Path directory, BenchSummary summary) {
        try {
            Files.createDirectories(directory);
            Files.writeString(directory.resolve(SUMMARY), JSON.writeValueAsString(summary) + "\n", StandardCharsets.UTF_8);
            Files.writeString(directory.resolve(FUNCTIONS_CSV), csv(summary), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the summary to " + directory + ": " + e.getMessage(), e);
        }
    }

    /** seeds.json of a multi-seed run; each seed's own files go to {@code seed-<n>/} beside it. */
    public static void write(Path directory, SeedsSummary seeds) {
        try {
            Files.createDirectories(directory);
            Files.writeString(directory.resolve(SEEDS), JSON.writeValueAsString(seeds) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + SEEDS + " to " + directory + ": " + e.getMessage(), e);
        }
    }

    /** family.json and its picture, family.svg. */
    public static void write(Path directory, FamilySummary family) {
        try {
            Files.createDirectories(directory);
            Files.writeString(directory.resolve(FAMILY), JSON.writeValueAsString(family) + "\n", StandardCharsets.UTF_8);
            Files.writeString(directory.resolve(FAMILY_CHART), FamilyChart.svg(family), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + FAMILY + " to " + directory + ": " + e.getMessage(), e);
        }
    }

    public static BenchSummary read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), BenchSummary.class);
    }

    static String csv(BenchSummary summary) {
        StringBuilder out = new StringBuilder("system,function,requests,dropped,p50Ms,p99Ms,sloP99Ms,sloViolationRate,"
                + "coldStartRequests,podStarts,podSeconds,demandPodSeconds,satisfaction,ownDesiredSatisfaction\n");
        for (Map.Entry<String, BenchSummary.SystemSummary> system : summary.systems().entrySet()) {
            for (BenchSummary.FunctionSummary f : system.getValue().functions()) {
                out.append(String.format(Locale.ROOT, "%s,%s,%d,%d,%s,%s,%s,%s,%d,%d,%s,%s,%s,%s%n",
                        system.getKey(), f.name(), f.requests(), f.dropped(), f.p50Ms(), f.p99Ms(), f.sloP99Ms(), f.sloViolationRate(),
                        f.coldStartRequests(), f.podStarts(), f.podSeconds(), f.demandPodSeconds(), f.satisfaction(), f.ownDesiredSatisfaction()));
            }
        }
        return out.toString();
    }
}
