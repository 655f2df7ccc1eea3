package dev.muserving.bench.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.muserving.api.Arch;
import dev.muserving.api.BadInputException;
import dev.muserving.bench.scenario.ArrivalSpec;
import dev.muserving.bench.scenario.FunctionModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Small files in the trace's exact format (AzureFunctionsDataset2019.md). */
class AzureTraceReaderTest {

    @TempDir
    Path dir;

    private final List<String> warnings = new ArrayList<>();

    /** Twelve functions: fn00 is the busiest, fn11 the quietest; fn05 never runs in minutes 3-5. */
    @BeforeEach
    void writeTrace() throws IOException {
        StringBuilder invocations = new StringBuilder("HashOwner,HashApp,HashFunction,Trigger,"
                + IntStream.rangeClosed(1, 1440).mapToObj(Integer::toString).collect(Collectors.joining(",")) + "\n");
        StringBuilder durations = new StringBuilder(String.join(",", AzureTraceReader.DURATION_COLUMNS) + "\n");
        StringBuilder memory = new StringBuilder(String.join(",", AzureTraceReader.MEMORY_COLUMNS) + "\n");
        for (int f = 0; f < 12; f++) {
            String hash = String.format("%02dabcdef0123456789", f);
            int perMinute = (int) Math.pow(2, 11 - f);
            invocations.append("owner").append(f).append(",app").append(f).append(',').append(hash).append(",http");
            for (int m = 1; m <= 1440; m++) {
                invocations.append(',').append(m >= 4 && m <= 6 && f != 5 ? perMinute + m : 0);
            }
            invocations.append('\n');
            durations.append(String.format("owner%d,app%d,%s,120,100,1,900,5,10,60,%d,150,%d,900%n", f, f, hash, 50 + f, 400 + f));
            memory.append(String.format("owner%d,app%d,100,150,10,20,30,40,50,60,%d,200%n", f, f, 300 + f));
        }
        Files.writeString(dir.resolve(AzureTraceReader.invocationsFile(3)), invocations);
        Files.writeString(dir.resolve(AzureTraceReader.durationsFile(3)), durations);
        Files.writeString(dir.resolve(AzureTraceReader.memoryFile(3)), memory);
    }

    private AzureTraceOptions options(int functions) {
        return new AzureTraceOptions(dir, 3, functions, 3, 3, 11, 1.5, 3.0, 1.0);
    }

    @Test
    void replaysTheExactPerMinuteCountsOfSampledFunctions() {
        List<FunctionModel> all = new AzureTraceReader(false, warnings::add).read(options(100));

        assertThat(all).hasSize(11).noneMatch(f -> f.name().contains("05abcdef"));
        FunctionModel busiest = all.get(0);
        assertThat(busiest.name()).isEqualTo("az-000-00abcdef");
        assertThat(((ArrivalSpec.PerMinute) busiest.arrival()).counts()).containsExactly(2048 + 4, 2048 + 5, 2048 + 6);
        assertThat(busiest.serviceTimeMs().get(Arch.AMD64).median()).isEqualTo(50);
        assertThat(busiest.serviceTimeMs().get(Arch.AMD64).p99()).isEqualTo(400);
        assertThat(busiest.serviceTimeMs().get(Arch.ARM64).median()).isEqualTo(75);
        assertThat(busiest.spec().memoryMiB()).isEqualTo(304);
        assertThat(busiest.spec().sloP99Ms()).isEqualTo(1200);
        assertThat(busiest.origin()).isEqualTo("azure/http");
        assertThat(warnings).anyMatch(w -> w.contains("only 11 functions"));
    }

    @Test
    void stratifiedSamplingKeepsTheHeavyHead() {
        List<FunctionModel> sample = new AzureTraceReader(false, warnings::add).read(options(4));
        assertThat(sample).hasSize(4);
        // One function from each quarter of the rate ranking: the first from the busiest three.
        String first = sample.get(0).name();
        assertThat(first).matches("az-000-0[012]abcdef");
        assertThat(sample.get(3).name()).matches("az-003-(08|09|10|11)abcdef");
    }

    @Test
    void sampleIsReproduciblePerSeed() {
        List<String> a = names(new AzureTraceReader(false, warnings::add).read(options(4)));
        List<String> b = names(new AzureTraceReader(false, warnings::add).read(options(4)));
        assertThat(a).isEqualTo(b);
    }

    @Test
    void stratifiedSampleDrawsFromEveryStratum() {
        List<AzureTraceReader.Activity> active = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            active.add(new AzureTraceReader.Activity("k" + i, "a", "h", "http", 1000 - i, null));
        }
        List<AzureTraceReader.Activity> sample = AzureTraceReader.stratifiedSample(active, 10, new SplittableRandom(1));
        for (int s = 0; s < 10; s++) {
            assertThat(sample.get(s).total).isBetween(1000L - (s * 10 + 9), 1000L - s * 10);
        }
    }

    @Test
    void aBadLineIsReportedWithItsNumberAndSkipped() throws IOException {
        Path file = dir.resolve(AzureTraceReader.invocationsFile(3));
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.set(2, lines.get(2).replaceFirst(",1,", ",x,")); // fn01, line 3: column '1' is outside the range
        lines.set(3, lines.get(3).replace(",http,0,0,0,", ",http,0,0,0,abc,").replaceFirst(",0$", ""));
        lines.add(4, "owner,app,truncated,http,1,2");
        Files.write(file, lines);

        List<FunctionModel> functions = new AzureTraceReader(false, warnings::add).read(options(100));

        assertThat(warnings).anyMatch(w -> w.contains(file + ":4: count 'abc' in minute 3 (column '4') is not a whole number; line skipped"));
        assertThat(warnings).anyMatch(w -> w.contains(file + ":5: expected 1444 columns, got 6; line skipped"));
        assertThat(warnings.stream().filter(w -> w.contains(file + ":4:") || w.contains(file + ":5:"))).as("reported once each, though read twice")
                .hasSize(2);
        assertThat(functions).hasSize(10);
    }

    /** Found by an outside probe: a repeated row was replayed as a second function, a p99 under the median went through. */
    @Test
    void repeatedFunctionsPercentilesOutOfOrderAndHugeCountsAreBadLines() throws IOException {
        Path invocations = dir.resolve(AzureTraceReader.invocationsFile(3));
        List<String> lines = new ArrayList<>(Files.readAllLines(invocations));
        lines.add(lines.get(1)); // fn00 again, as line 14
        lines.set(3, lines.get(3).replace(",http,0,0,0,", ",http,0,0,0,999999999999,")); // fn02, line 4
        lines.set(3, lines.get(3).substring(0, lines.get(3).lastIndexOf(',')));
        Files.write(invocations, lines);
        Path durations = dir.resolve(AzureTraceReader.durationsFile(3));
        List<String> rows = new ArrayList<>(Files.readAllLines(durations));
        rows.set(2, rows.get(2).replace(",51,150,401,", ",51,150,10,")); // fn01: p99 10 ms under its median of 51
        rows.add(rows.get(4)); // fn03 again, as line 14
        Files.write(durations, rows);

        List<FunctionModel> functions = new AzureTraceReader(false, warnings::add).read(options(100));

        assertThat(warnings).anyMatch(w -> w.equals(invocations + ":14: function owner0/app0/00abcdef0123456789 is listed twice;"
                        + " its first line counts; line skipped"))
                .anyMatch(w -> w.equals(invocations + ":4: count 999999999999 in minute 3 (column '4') is not between 0 and 100000000;"
                        + " line skipped"))
                .anyMatch(w -> w.equals(durations + ":3: the 99th duration percentile (10.0 ms) is below the median (51.0 ms); line skipped"))
                .anyMatch(w -> w.startsWith(durations + ":14: function owner3/app3/03abcdef0123456789 is listed twice"));
        assertThat(functions).extracting(f -> f.name().substring("az-000-".length())).doesNotHaveDuplicates()
                .noneMatch(name -> name.contains("01abcdef") || name.contains("02abcdef"))
                .anyMatch(name -> name.contains("00abcdef")).anyMatch(name -> name.contains("03abcdef"));
    }

    @Test
    void aTraceWithNothingToReplayIsBadInputThatSaysSo() throws IOException {
        Path invocations = dir.resolve(AzureTraceReader.invocationsFile(3));
        Files.writeString(invocations, Files.readAllLines(invocations).get(0) + "\n"); // the header only
        assertThatThrownBy(() -> new AzureTraceReader(false, warnings::add).read(options(3)))
                .isInstanceOf(BadInputException.class)
                .hasMessage(invocations + ": no function has invocations in minutes 3-5 and a row in " + AzureTraceReader.durationsFile(3)
                        + "; nothing to replay");
    }

    @Test
    void traceValuesPastTheLimitsOfAScenariosOwnFunctionsAreBadLines() throws IOException {
        Path durations = dir.resolve(AzureTraceReader.durationsFile(3));
        Files.writeString(durations, Files.readString(durations).replace("00abcdef0123456789,120,100,1,900,5,10,60,50,150,400,900",
                "00abcdef0123456789,120,100,1,900,5,10,60,1e300,150,1e301,900"));
        Path memory = dir.resolve(AzureTraceReader.memoryFile(3));
        Files.writeString(memory, Files.readString(memory).replace("owner1,app1,100,150,10,20,30,40,50,60,301,200",
                "owner1,app1,100,150,10,20,30,40,50,60,1e12,200"));
        List<FunctionModel> functions = new AzureTraceReader(false, warnings::add).read(options(100));
        assertThat(warnings).anyMatch(w -> w.contains(durations + ":2: duration percentiles must be between 0 and 3600000 ms"))
                .anyMatch(w -> w.contains(memory + ":3: memory must be between 0 and 1048576 MB"));
        assertThat(functions).noneMatch(f -> f.name().contains("00abcdef")); // no duration row left for it
        assertThat(functions).filteredOn(f -> f.name().contains("01abcdef")).singleElement()
                .satisfies(f -> assertThat(f.spec().memoryMiB()).isEqualTo(128));
    }

    @Test
    void strictModeStopsAtTheFirstBadLine() throws IOException {
        Path file = dir.resolve(AzureTraceReader.durationsFile(3));
        Files.writeString(file, Files.readString(file) + "owner,app,fn,1,2\n");
        assertThatThrownBy(() -> new AzureTraceReader(true, warnings::add).read(options(3)))
                .isInstanceOf(BadInputException.class)
                .hasMessage(file + ":14: expected 14 columns, got 5 (--strict)");
    }

    @Test
    void strictModeChecksCountsOutsideTheMinutesReplayedToo() throws IOException {
        Path file = dir.resolve(AzureTraceReader.invocationsFile(3));
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.set(1, lines.get(1).replaceFirst(",http,0,", ",http,abc,")); // minute 0; minutes 3-5 are replayed
        Files.write(file, lines);
        assertThat(new AzureTraceReader(false, warnings::add).read(options(3))).hasSize(3);
        assertThatThrownBy(() -> new AzureTraceReader(true, warnings::add).read(options(3)))
                .isInstanceOf(BadInputException.class)
                .hasMessage(file + ":2: count 'abc' in minute 0 (column '1') is not a whole number (--strict)");
    }

    @Test
    void aFileThatIsNotTheTraceIsRejectedByItsHeader() throws IOException {
        Files.writeString(dir.resolve(AzureTraceReader.durationsFile(3)), "name,mean\nx,1\n");
        assertThatThrownBy(() -> new AzureTraceReader(false, warnings::add).read(options(3)))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining(":1: not a header of this trace file: expected 14 columns starting [HashOwner, HashApp, HashFunction, Average, Count,");
    }

    @Test
    void filesThatStartWithAByteOrderMarkAreReadAsWithout() throws IOException {
        List<FunctionModel> plain = new AzureTraceReader(false, warnings::add).read(options(5));
        for (String name : List.of(AzureTraceReader.invocationsFile(3), AzureTraceReader.durationsFile(3), AzureTraceReader.memoryFile(3))) {
            Path file = dir.resolve(name);
            Files.writeString(file, "\uFEFF" + Files.readString(file)); // as Excel and PowerShell write UTF-8
        }
        assertThat(new AzureTraceReader(false, warnings::add).read(options(5))).isEqualTo(plain);
    }

    @Test
    void aMissingMemoryFileFallsBackWithAWarning() throws IOException {
        Files.delete(dir.resolve(AzureTraceReader.memoryFile(3)));
        List<FunctionModel> functions = new AzureTraceReader(false, warnings::add).read(options(2));
        assertThat(functions).allMatch(f -> f.spec().memoryMiB() == 128);
        assertThat(warnings).anyMatch(w -> w.contains("not found; every app gets 128 MB"));
    }

    @Test
    void aMinuteRangePastTheDayIsBadInput() {
        AzureTraceOptions late = new AzureTraceOptions(dir, 3, 2, 1430, 20, 1, 1.5, 3, 1);
        assertThatThrownBy(() -> new AzureTraceReader(false, warnings::add).read(late))
                .hasMessageContaining("startMinute 1430 + minutes 20 goes past the day's 1440 minutes");
    }

    @Test
    void rateScaleThinsTheCountsKeepingTheirShape() {
        AzureTraceOptions full = options(100);
        AzureTraceOptions scaled = new AzureTraceOptions(dir, 3, 100, 3, 3, 11, 1.5, 3.0, 0.1);
        List<FunctionModel> original = new AzureTraceReader(false, warnings::add).read(full);
        List<FunctionModel> thinned = new AzureTraceReader(false, warnings::add).read(scaled);
        for (int f = 0; f < original.size(); f++) {
            List<Integer> before = ((ArrivalSpec.PerMinute) original.get(f).arrival()).counts();
            List<Integer> after = ((ArrivalSpec.PerMinute) thinned.get(f).arrival()).counts();
            for (int m = 0; m < before.size(); m++) {
                assertThat(after.get(m)).isBetween((int) Math.floor(before.get(m) * 0.1), (int) Math.ceil(before.get(m) * 0.1));
            }
        }
    }

    /** The rest found by an outside probe of the reader; each was silent, or fatal, before. */
    @Test
    void functionsWithoutADurationRowAreLeftOutWithTheirShareSaid() throws IOException {
        Path durations = dir.resolve(AzureTraceReader.durationsFile(3));
        List<String> rows = new ArrayList<>(Files.readAllLines(durations));
        rows.remove(1); // fn00, the busiest: 2048 + 4 + 2048 + 5 + 2048 + 6 of the invocations in minutes 3-5
        Files.write(durations, rows);
        List<FunctionModel> functions = new AzureTraceReader(false, warnings::add).read(options(100));
        assertThat(functions).hasSize(10);
        assertThat(warnings).anyMatch(w -> w.equals(dir.resolve(AzureTraceReader.invocationsFile(3)) + ": 1 functions with invocations in"
                + " minutes 3-5 (50.2 % of them) have no row in " + AzureTraceReader.durationsFile(3)
                + " and are left out (owner0/app0/00abcdef0123456789)"));
    }

    @Test
    void anAppListedTwiceInTheMemoryFileKeepsItsFirstLineAndAnAppItDoesNotListIsSaid() throws IOException {
        Path memory = dir.resolve(AzureTraceReader.memoryFile(3));
        List<String> rows = new ArrayList<>(Files.readAllLines(memory));
        rows.add("owner0,app0,100,150,10,20,30,40,50,60,4000,4000"); // fn00's app again, as line 14
        rows.remove(2); // app1
        Files.write(memory, rows);
        List<FunctionModel> functions = new AzureTraceReader(false, warnings::add).read(options(100));
        assertThat(functions.get(0).spec().memoryMiB()).as("300 MB, rounded as the owner would").isEqualTo(304);
        assertThat(warnings).anyMatch(w -> w.equals(memory + ":13: app owner0/app0 is listed twice; its first line counts; line skipped"))
                .anyMatch(w -> w.equals(memory + ": 1 of the 11 functions replayed belong to apps it does not list (owner1/app1); they get 128 MB"));
    }

    @Test
    void aLineThatIsNotUtf8IsSkippedAndTheRestRead() throws IOException {
        Path invocations = dir.resolve(AzureTraceReader.invocationsFile(3));
        byte[] text = Files.readAllBytes(invocations);
        int secondLine = new String(text, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("\nowner1") + 1;
        text[secondLine] = (byte) 0xE9; // 'o' of owner1 as Latin-1's é
        Files.write(invocations, text);
        List<FunctionModel> functions = new AzureTraceReader(false, warnings::add).read(options(100));
        assertThat(warnings).anyMatch(w -> w.equals(invocations + ":3: not UTF-8 text; line skipped"));
        assertThat(functions).hasSize(10);
    }

    @Test
    void aBadLineDoesNotMakeTheSameFunctionsNextLineARepeat() throws IOException {
        Path invocations = dir.resolve(AzureTraceReader.invocationsFile(3));
        List<String> lines = new ArrayList<>(Files.readAllLines(invocations));
        lines.add(1, lines.get(1).replace(",http,0,0,0,", ",http,0,0,0,abc,").replaceFirst(",0$", "")); // fn00 broken, then whole
        Files.write(invocations, lines);
        List<FunctionModel> functions = new AzureTraceReader(false, warnings::add).read(options(100));
        assertThat(warnings).anyMatch(w -> w.contains(":2: count 'abc'")).noneMatch(w -> w.contains("listed twice"));
        assertThat(functions).anyMatch(f -> f.name().contains("00abcdef"));
    }

    @Test
    void aRateScaleThatOverflowsACountOrLeavesNothingIsBadInput() {
        assertThatThrownBy(() -> new AzureTraceReader(false, warnings::add).read(new AzureTraceOptions(dir, 3, 100, 3, 3, 11, 1.5, 3.0, 1e6)))
                .isInstanceOf(BadInputException.class)
                .hasMessageStartingWith("azureTrace: rateScale 1000000.0 makes function owner0/app0/00abcdef0123456789's count in minute 3")
                .hasMessageEndingWith("above the 100000000 a minute a count may be");
        assertThatThrownBy(() -> new AzureTraceReader(false, warnings::add).read(new AzureTraceOptions(dir, 3, 100, 3, 3, 11, 1.5, 3.0, 1e-9)))
                .isInstanceOf(BadInputException.class).hasMessageContaining(": rateScale 1.0E-9 rounds every count of the 11 functions chosen"
                        + " to 0 in minutes 3-5; nothing to replay (raise rateScale)");
    }

    private static List<String> names(List<FunctionModel> functions) {
        return functions.stream().map(FunctionModel::name).toList();
    }
}
