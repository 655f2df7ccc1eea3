package dev.muserving.bench.workload;

import dev.muserving.api.Arch;
import dev.muserving.api.BadInputException;
import dev.muserving.api.FunctionSpec;
import dev.muserving.bench.scenario.ArrivalSpec;
import dev.muserving.bench.scenario.FunctionModel;
import dev.muserving.bench.scenario.LatencyDistribution;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Reads the public Azure Functions 2019 trace (AzureFunctionsDataset2019.md): invocations per
 * function and minute, duration percentiles per function, memory percentiles per app; samples
 * functions and turns them into {@link FunctionModel}s that replay the trace's per-minute counts.
 *
 * <p>Sampling is stratified by rate: the functions active in the minute range are ranked by their
 * invocations and cut into as many equal strata as functions wanted, and one is drawn at random from
 * each. Plain random sampling would almost never pick one of the few functions that make most of the
 * traffic, and would distort the heavy tail (FaaSRail, HPDC'24).
 *
 * <p>A malformed line is reported with its file and line number and skipped, or stops the read in
 * strict mode.
 */
public final class AzureTraceReader {

    static final List<String> INVOCATION_KEYS = List.of("HashOwner", "HashApp", "HashFunction", "Trigger");
    static final List<String> DURATION_COLUMNS = List.of(
            "HashOwner", "HashApp", "HashFunction", "Average", "Count", "Minimum", "Maximum",
            "percentile_Average_0", "percentile_Average_1", "percentile_Average_25", "percentile_Average_50",
            "percentile_Average_75", "percentile_Average_99", "percentile_Average_100");
    static final List<String> MEMORY_COLUMNS = List.of(
            "HashOwner", "HashApp", "SampleCount", "AverageAllocatedMb", "AverageAllocatedMb_pct1",
            "AverageAllocatedMb_pct5", "AverageAllocatedMb_pct25", "AverageAllocatedMb_pct50",
            "AverageAllocatedMb_pct75", "AverageAllocatedMb_pct95", "AverageAllocatedMb_pct99",
            "AverageAllocatedMb_pct100");
    static final int MINUTES_PER_DAY = 1440;
    /** Memory of an app the memory file does not list (or when there is no memory file). */
    static final double DEFAULT_MEMORY_MB = 128;
    /** The limits a scenario file's own functions have (ScenarioLoader): a trace value past them is a bad line. */
    static final double MAX_DURATION_MS = 3_600_000;
    static final double MAX_MEMORY_MB = 1024 * 1024;
    static final int MAX_COUNT_PER_MINUTE = 100_000_000;
    private static final Pattern WHOLE_NUMBER = Pattern.compile("-?\\d+");

    private final boolean strict;
    private final Consumer<String> warnings;

    public AzureTraceReader(boolean strict, Consumer<String> warnings) {
        this.strict = strict;
        this.warnings = warnings;
    }

    public static String invocationsFile(int day) {
        return String.format(Locale.ROOT, "invocations_per_function_md.anon.d%02d.csv", day);
    }

    public static String durationsFile(int day) {
        return String.format(Locale.ROOT, "function_durations_percentiles.anon.d%02d.csv", day);
    }

    public static String memoryFile(int day) {
        return String.format(Locale.ROOT, "app_memory_percentiles.anon.d%02d.csv", day);
    }

    public List<FunctionModel> read(AzureTraceOptions options) {
        if (options.startMinute() + options.minutes() > MINUTES_PER_DAY) {
            throw new BadInputException(String.format(Locale.ROOT,
                    "azureTrace: startMinute %d + minutes %d goes past the day's %d minutes",
                    options.startMinute(), options.minutes(), MINUTES_PER_DAY));
        }
        Path invocations = requireFile(options.directory().resolve(invocationsFile(options.day())));
        Path durations = requireFile(options.directory().resolve(durationsFile(options.day())));
        Map<String, Durations> durationByFunction = readDurations(durations);
        Map<String, Double> memoryByApp = readMemory(options.directory().resolve(memoryFile(options.day())));

        LeftOut withoutDurations = new LeftOut();
        List<Activity> active = readActivity(invocations, options, durationByFunction.keySet(), null, withoutDurations);
        withoutDurations.report(invocations, options, active, durations);
        List<Activity> chosen = stratifiedSample(active, options.functions(), new SplittableRandom(options.seed()));
        if (chosen.isEmpty()) {
            throw new BadInputException(String.format(Locale.ROOT,
                    "%s: no function has invocations in minutes %d-%d and a row in %s; nothing to replay",
                    invocations, options.startMinute(), options.startMinute() + options.minutes() - 1, durations.getFileName()));
        }
        if (chosen.size() < options.functions()) {
            warnings.accept(String.format(Locale.ROOT,
                    "%s: only %d functions have invocations in minutes %d-%d and a duration row; using all of them",
                    invocations, chosen.size(), options.startMinute(), options.startMinute() + options.minutes() - 1));
        }
        Set<String> chosenKeys = new HashSet<>();
        chosen.forEach(a -> chosenKeys.add(a.key));
        Map<String, Activity> withCounts = new HashMap<>();
        readActivity(invocations, options, chosenKeys, withCounts, null);

        SplittableRandom rounding = new SplittableRandom(options.seed() ^ 0x5DEECE66DL);
        List<FunctionModel> functions = new ArrayList<>();
        List<String> withoutMemory = new ArrayList<>();
        for (int i = 0; i < chosen.size(); i++) {
            Activity activity = withCounts.get(chosen.get(i).key);
            Double memoryMb = memoryByApp.get(activity.appKey);
            if (memoryMb == null && !memoryByApp.isEmpty()) {
                withoutMemory.add(activity.appKey);
            }
            functions.add(function(i, activity, durationByFunction.get(activity.key),
                    memoryMb == null ? DEFAULT_MEMORY_MB : memoryMb, options, rounding));
        }
        if (!withoutMemory.isEmpty()) {
            warnings.accept(String.format(Locale.ROOT, "%s: %d of the %d functions replayed belong to apps it does not list (%s);"
                    + " they get %d MB", options.directory().resolve(memoryFile(options.day())), withoutMemory.size(), functions.size(),
                    examples(withoutMemory), (int) DEFAULT_MEMORY_MB));
        }
        requireSomeRequests(functions, options, invocations);
        return functions;
    }

    /** A rateScale that rounds every count to 0 leaves a run with nothing in it. */
    private static void requireSomeRequests(List<FunctionModel> functions, AzureTraceOptions options, Path invocations) {
        boolean any = functions.stream().map(f -> (ArrivalSpec.PerMinute) f.arrival())
                .anyMatch(counts -> counts.counts().stream().anyMatch(c -> c > 0));
        if (!any) {
            throw new BadInputException(String.format(Locale.ROOT,
                    "%s: rateScale %s rounds every count of the %d functions chosen to 0 in minutes %d-%d; nothing to replay (raise rateScale)",
                    invocations, options.rateScale(), functions.size(), options.startMinute(), options.startMinute() + options.minutes() - 1));
        }
    }

    private static String examples(List<String> names) {
        return names.size() <= 3 ? String.join(", ", names) : String.join(", ", names.subList(0, 3)) + ", …";
    }

    /** Functions with invocations in the minutes replayed that the durations file does not list: said once, with their share. */
    private final class LeftOut {
        private final List<String> keys = new ArrayList<>();
        private long invocations;

        void add(String key, long total) {
            keys.add(key);
            invocations += total;
        }

        void report(Path file, AzureTraceOptions options, List<Activity> kept, Path durations) {
            if (keys.isEmpty()) {
                return;
            }
            long all = invocations + kept.stream().mapToLong(a -> a.total).sum();
            warnings.accept(String.format(Locale.ROOT,
                    "%s: %d functions with invocations in minutes %d-%d (%.1f %% of them) have no row in %s and are left out (%s)",
                    file, keys.size(), options.startMinute(), options.startMinute() + options.minutes() - 1,
                    100.0 * invocations / all, durations.getFileName(), examples(keys)));
        }
    }

    private FunctionModel function(int index, Activity activity, Durations durations, double memoryMb,
            AzureTraceOptions options, SplittableRandom rounding) {
        List<Integer> counts = new ArrayList<>();
        for (int m = 0; m < activity.counts.length; m++) {
            double scaled = Math.floor(activity.counts[m] * options.rateScale() + rounding.nextDouble());
            if (scaled > MAX_COUNT_PER_MINUTE) {
                throw new BadInputException(String.format(Locale.ROOT,
                        "azureTrace: rateScale %s makes function %s's count in minute %d %.0f, above the %d a minute a count may be",
                        options.rateScale(), activity.key, options.startMinute() + m, scaled, MAX_COUNT_PER_MINUTE));
            }
            counts.add((int) scaled);
        }
        double median = Math.max(1, durations.p50);
        LatencyDistribution amd64 = new LatencyDistribution(median, Math.max(median, durations.p99));
        int cc = OwnerDefaults.containerConcurrency(median);
        String name = String.format(Locale.ROOT, "az-%03d-%s", index, shortHash(activity.functionHash));
        FunctionSpec spec = new FunctionSpec(
                name, cc, OwnerDefaults.cpuMillis(median), OwnerDefaults.memoryMiB(memoryMb),
                EnumSet.allOf(Arch.class), OwnerDefaults.sloP99Ms(amd64.p99(), options.sloFactor()), 1, 0, 0);
        return new FunctionModel(spec, new ArrivalSpec.PerMinute(counts),
                Map.of(Arch.AMD64, amd64, Arch.ARM64, amd64.scaled(options.armSlowdown())),
                FunctionModel.defaultParallelism(cc), "azure/" + activity.trigger);
    }

    /** The first 8 letters and digits of a hash, lower case: enough to tell functions apart in a report. */
    static String shortHash(String hash) {
        String clean = hash.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        return clean.isEmpty() ? "x" : clean.substring(0, Math.min(8, clean.length()));
    }

    static List<Activity> stratifiedSample(List<Activity> active, int wanted, SplittableRandom random) {
        List<Activity> ranked = new ArrayList<>(active);
        ranked.sort(Comparator.comparingLong((Activity a) -> a.total).reversed().thenComparing(a -> a.key));
        if (ranked.size() <= wanted) {
            return ranked;
        }
        List<Activity> sample = new ArrayList<>();
        for (int s = 0; s < wanted; s++) {
            int from = (int) ((long) s * ranked.size() / wanted);
            int to = (int) ((long) (s + 1) * ranked.size() / wanted);
            sample.add(ranked.get(from + random.nextInt(to - from)));
        }
        return sample;
    }

    /**
     * One pass over the invocations file. Collects each function's total in the range when
     * {@code withCounts} is null, else the per-minute counts of the {@code keep} functions.
     */
    private List<Activity> readActivity(Path file, AzureTraceOptions options, Set<String> keep, Map<String, Activity> withCounts,
            LeftOut leftOut) {
        List<Activity> active = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        // the second pass (withCounts) meets the first pass's bad lines again: they are reported once
        readTable(file, INVOCATION_KEYS, INVOCATION_KEYS.size() + MINUTES_PER_DAY, cells -> {
            String key = functionKey(cells);
            if (seen.contains(key)) { // replayed twice, its traffic would double
                throw listedTwice(key);
            }
            if (strict && withCounts == null) {
                // --strict vouches for the whole file, not only the minutes replayed: every count is read once
                for (int m = 0; m < MINUTES_PER_DAY; m++) {
                    count(cells[INVOCATION_KEYS.size() + m], m);
                }
            }
            boolean kept = keep.contains(key);
            if (!kept && leftOut == null) {
                seen.add(key);
                return;
            }
            int[] counts = new int[options.minutes()];
            long total = 0;
            for (int m = 0; m < counts.length; m++) {
                counts[m] = count(cells[INVOCATION_KEYS.size() + options.startMinute() + m], options.startMinute() + m);
                total += counts[m];
            }
            seen.add(key); // only once its line was read: a bad line does not make the next one a repeat
            if (!kept) {
                if (total > 0) {
                    leftOut.add(key, total);
                }
                return;
            }
            if (total > 0) {
                Activity activity = new Activity(key, cells[0] + "/" + cells[1], cells[2], cells[3], total,
                        withCounts == null ? null : counts);
                active.add(activity);
                if (withCounts != null) {
                    withCounts.put(key, activity);
                }
            }
        }, withCounts == null);
        return active;
    }

    /** HashOwner/HashApp/HashFunction: the first three columns of the invocations and durations files. */
    private static String functionKey(String[] cells) {
        return cells[0] + "/" + cells[1] + "/" + cells[2];
    }

    private static BadLine listedTwice(String key) {
        return new BadLine("function " + key + " is listed twice; its first line counts");
    }

    /** @param minute counted from 0, as startMinute is; the file's column for it is named minute + 1 */
    private static int count(String cell, int minute) {
        String value = cell.trim();
        String where = " in minute " + minute + " (column '" + (minute + 1) + "')";
        if (!WHOLE_NUMBER.matcher(value).matches()) {
            throw new BadLine("count '" + value + "'" + where + " is not a whole number");
        }
        long count;
        try {
            count = Long.parseLong(value);
        } catch (NumberFormatException e) {
            count = Long.MAX_VALUE; // digits too many for a long: out of range, not "not a whole number"
        }
        if (count < 0 || count > MAX_COUNT_PER_MINUTE) {
            throw new BadLine("count " + value + where + " is not between 0 and " + MAX_COUNT_PER_MINUTE);
        }
        return (int) count;
    }

    private Map<String, Durations> readDurations(Path file) {
        Map<String, Durations> durations = new HashMap<>();
        readTable(file, DURATION_COLUMNS, DURATION_COLUMNS.size(), cells -> {
            double p50 = Double.parseDouble(cells[10]);
            double p99 = Double.parseDouble(cells[12]);
            if (!(p50 >= 0) || !(p99 >= 0) || p50 > MAX_DURATION_MS || p99 > MAX_DURATION_MS) {
                throw new BadLine("duration percentiles must be between 0 and " + (long) MAX_DURATION_MS + " ms, got " + p50 + " and " + p99);
            }
            if (p99 < p50) { // a scenario file refuses the same
                throw new BadLine("the 99th duration percentile (" + p99 + " ms) is below the median (" + p50 + " ms)");
            }
            String key = functionKey(cells);
            if (durations.putIfAbsent(key, new Durations(p50, p99)) != null) {
                throw listedTwice(key);
            }
        });
        return durations;
    }

    private Map<String, Double> readMemory(Path file) {
        Map<String, Double> memory = new HashMap<>();
        if (!Files.isRegularFile(file)) {
            warnings.accept(file + ": not found; every app gets " + (int) DEFAULT_MEMORY_MB + " MB");
            return memory;
        }
        readTable(file, MEMORY_COLUMNS, MEMORY_COLUMNS.size(), cells -> {
            double p99 = Double.parseDouble(cells[10]);
            if (!(p99 >= 0) || p99 > MAX_MEMORY_MB) {
                throw new BadLine("memory must be between 0 and " + (long) MAX_MEMORY_MB + " MB, got " + p99);
            }
            String app = cells[0] + "/" + cells[1];
            if (memory.putIfAbsent(app, p99) != null) {
                throw new BadLine("app " + app + " is listed twice; its first line counts");
            }
        });
        return memory;
    }

    /** A line the handler cannot use, and why. */
    private static final class BadLine extends RuntimeException {
        BadLine(String problem) {
            super(problem, null, false, false);
        }
    }

    /**
     * Reads a CSV file whose header starts with {@code leading} and has {@code columns} cells; hands
     * each well-sized line to {@code handler}, and reports (or in strict mode, fails on) the others
     * and those the handler rejects.
     */
    private void readTable(Path file, List<String> leading, int columns, Consumer<String[]> handler) {
        readTable(file, leading, columns, handler, true);
    }

    /** @param reportBadLines false on a second pass over a file, whose bad lines the first pass reported */
    private void readTable(Path file, List<String> leading, int columns, Consumer<String[]> handler, boolean reportBadLines) {
        // bytes that are not UTF-8 become U+FFFD, and their line is reported, not the whole file refused
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(Files.newInputStream(file),
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                        .onUnmappableCharacter(CodingErrorAction.REPLACE)))) {
            requireHeader(file, withoutByteOrderMark(reader.readLine()), leading, columns);
            int lineNumber = 1;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                if (line.indexOf('\uFFFD') >= 0) {
                    bad(reportBadLines, file, lineNumber, "not UTF-8 text");
                    continue;
                }
                String[] cells = line.split(",", -1);
                if (cells.length != columns) {
                    bad(reportBadLines, file, lineNumber, "expected " + columns + " columns, got " + cells.length);
                    continue;
                }
                try {
                    handler.accept(cells);
                } catch (BadLine e) {
                    bad(reportBadLines, file, lineNumber, e.getMessage());
                } catch (NumberFormatException e) {
                    bad(reportBadLines, file, lineNumber, "not a number where one is expected (" + e.getMessage() + ")");
                }
            }
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Excel and PowerShell start a UTF-8 file with a byte-order mark, which is no part of the first column's name. */
    private static String withoutByteOrderMark(String line) {
        return line != null && line.startsWith("\uFEFF") ? line.substring(1) : line;
    }

    private static void requireHeader(Path file, String header, List<String> leading, int columns) {
        if (header == null) {
            throw new BadInputException(file + ":1: the file is empty; expected a header line");
        }
        String[] cells = header.split(",", -1);
        boolean leadingMatch = cells.length >= leading.size()
                && List.of(cells).subList(0, leading.size()).equals(leading);
        if (!leadingMatch || cells.length != columns) {
            throw new BadInputException(String.format(Locale.ROOT,
                    "%s:1: not a header of this trace file: expected %d columns starting %s, got %d columns starting %s",
                    file, columns, leading, cells.length, List.of(cells).subList(0, Math.min(cells.length, leading.size()))));
        }
    }

    private void bad(boolean report, Path file, int lineNumber, String problem) {
        if (!report) {
            return;
        }
        String message = file + ":" + lineNumber + ": " + problem;
        if (strict) {
            throw new BadInputException(message + " (--strict)");
        }
        warnings.accept(message + "; line skipped");
    }

    private static Path requireFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new BadInputException(file + ": trace file not found");
        }
        return file;
    }

    private record Durations(double p50, double p99) {}

    static final class Activity {
        final String key;
        final String appKey;
        final String functionHash;
        final String trigger;
        final long total;
        final int[] counts;

        Activity(String key, String appKey, String functionHash, String trigger, long total, int[] counts) {
            this.key = key;
            this.appKey = appKey;
            this.functionHash = functionHash;
            this.trigger = trigger;
            this.total = total;
            this.counts = counts;
        }
    }
}
