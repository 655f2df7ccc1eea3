package dev.muserving.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FunctionWatcherTest {

    private static String function(String name, String command) {
        return "apiVersion: muserving.dev/v1alpha1\nkind: Function\nmetadata: {name: " + name + "}\nspec:\n"
                + "  image: r.example/" + name + ":1\n  resources: {cpu: 100m, memory: 64Mi}\n  local: {command: [" + command + "]}\n";
    }

    private static List<String> names(List<LocalFunction> functions) {
        return functions.stream().map(f -> f.key().name()).toList();
    }

    @Test
    void editsDeletionsAndNewFilesAreAppliedAndABrokenFileKeepsItsPreviousVersion(@TempDir Path dir) throws Exception {
        Path a = Files.writeString(dir.resolve("a.yaml"), function("alpha", "one"));
        Files.writeString(dir.resolve("b.yml"), function("beta", "two"));
        Files.writeString(dir.resolve("notes.txt"), "not a Function");
        AtomicReference<List<LocalFunction>> applied = new AtomicReference<>();
        List<String> said = Collections.synchronizedList(new ArrayList<>());
        try (FunctionWatcher watcher = new FunctionWatcher(List.of(dir), applied::set, said::add)) {
            assertThat(names(watcher.load())).containsExactly("alpha", "beta");
            watcher.start(Duration.ofMillis(50));

            Files.writeString(a, function("alpha", "changed"));
            await().atMost(Duration.ofSeconds(10)).until(() -> applied.get() != null
                    && applied.get().get(0).launch().equals(new LocalFunction.Command(List.of("changed"))));

            Files.writeString(a, function("alpha", "changed").replace("cpu: 100m", "cpu: lots"));
            await().atMost(Duration.ofSeconds(10)).until(() -> said.contains(a + ": not applied; its previous version keeps running"));
            assertThat(said).anyMatch(line -> line.startsWith("error: " + a + ":6: spec.resources.cpu: must be cores"));
            assertThat(names(applied.get())).containsExactly("alpha", "beta");
            assertThat(applied.get().get(0).launch()).isEqualTo(new LocalFunction.Command(List.of("changed")));

            Files.delete(dir.resolve("b.yml"));
            Files.writeString(dir.resolve("c.yaml"), function("gamma", "three") + "---\n" + function("alpha", "again"));
            await().atMost(Duration.ofSeconds(10)).until(() -> names(applied.get()).equals(List.of("alpha", "gamma")));
            assertThat(said).contains(dir.resolve("b.yml") + ": removed; its Functions stop: default/beta")
                    .anyMatch(line -> line.contains("function default/alpha is defined twice (first in " + a));
        }
    }

    @Test
    void aSymbolicLinkToNothingIsReportedOnceAndReadWhenItsTargetAppears(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("elsewhere.txt");
        Path link = Files.createSymbolicLink(dir.resolve("linked.yaml"), target);
        AtomicReference<List<LocalFunction>> applied = new AtomicReference<>();
        List<String> said = Collections.synchronizedList(new ArrayList<>());
        try (FunctionWatcher watcher = new FunctionWatcher(List.of(dir), applied::set, said::add)) {
            assertThat(watcher.load()).isEmpty();
            assertThat(said).containsExactly("error: " + link + ": a symbolic link to " + target + ", which does not exist; skipped until it does");
            watcher.start(Duration.ofMillis(50));

            Files.writeString(target, function("linked", "one"));
            await().atMost(Duration.ofSeconds(10)).until(() -> applied.get() != null && names(applied.get()).equals(List.of("linked")));
            assertThat(said).filteredOn(line -> line.contains("symbolic link")).hasSize(1);
        }
    }

    @Test
    void aFileThatCannotBeReadIsSkippedOrKeptAndTheOthersServe(@TempDir Path dir) throws Exception {
        Path good = Files.writeString(dir.resolve("a.yaml"), function("alpha", "one"));
        Path latin1 = Files.write(dir.resolve("b.yaml"), ("# caf\u00e9\n" + function("beta", "two")).getBytes(StandardCharsets.ISO_8859_1));
        Files.createDirectory(dir.resolve("folder.yaml"));
        AtomicReference<List<LocalFunction>> applied = new AtomicReference<>();
        List<String> said = Collections.synchronizedList(new ArrayList<>());
        try (FunctionWatcher watcher = new FunctionWatcher(List.of(dir), applied::set, said::add)) {
            assertThat(names(watcher.load())).containsExactly("alpha");
            assertThat(said).containsExactly("error: " + latin1 + ": not UTF-8 text; skipped until it can be read");
            watcher.start(Duration.ofMillis(50));

            // a good file saved in another encoding keeps its last version running; the rest goes on
            Files.write(good, ("# caf\u00e9\n" + function("alpha", "two")).getBytes(StandardCharsets.ISO_8859_1));
            Files.writeString(dir.resolve("c.yaml"), function("gamma", "three"));
            await().atMost(Duration.ofSeconds(10)).until(() -> applied.get() != null && names(applied.get()).equals(List.of("alpha", "gamma")));
            assertThat(applied.get().get(0).launch()).isEqualTo(new LocalFunction.Command(List.of("one")));
            assertThat(said).contains("error: " + good + ": not UTF-8 text; its previous version keeps running");

            Files.writeString(latin1, function("beta", "two"));
            await().atMost(Duration.ofSeconds(10)).until(() -> names(applied.get()).containsAll(List.of("alpha", "beta", "gamma")));
            assertThat(said).filteredOn(line -> line.contains("not UTF-8")).hasSize(2);
        }
    }

    /**
     * Found by an outside probe: a symbolic link loop failed the whole read, so no edit to any other
     * file was applied while it lasted; a named pipe hung it.
     */
    @Test
    void aLinkLoopOrAPipeAmongTheFilesIsSkippedAndEditsToTheOthersStillApply(@TempDir Path dir) throws Exception {
        Path good = Files.writeString(dir.resolve("a.yaml"), function("alpha", "one"));
        Path loop = Files.createSymbolicLink(dir.resolve("loop.yaml"), dir.resolve("loop.yaml"));
        Path pipe = dir.resolve("pipe.yaml");
        assertThat(new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor()).isZero();
        AtomicReference<List<LocalFunction>> applied = new AtomicReference<>();
        List<String> said = Collections.synchronizedList(new ArrayList<>());
        try (FunctionWatcher watcher = new FunctionWatcher(List.of(dir), applied::set, said::add)) {
            assertThat(names(watcher.load())).containsExactly("alpha");
            assertThat(said).hasSize(2)
                    .contains("error: " + pipe + ": cannot be read (not a regular file); skipped until it can be read")
                    .anyMatch(line -> line.startsWith("error: " + loop + ": cannot be read (Too many levels of symbolic links")
                            && line.endsWith("; skipped until it can be read"));
            watcher.start(Duration.ofMillis(50));

            Files.writeString(good, function("alpha", "two"));
            await().atMost(Duration.ofSeconds(10)).until(() -> applied.get() != null
                    && applied.get().get(0).launch().equals(new LocalFunction.Command(List.of("two"))));
            assertThat(said).hasSize(3).last().isEqualTo(good + ": changed; applying 1 Function(s)");
        }
    }

    @Test
    void whenTheFileAFunctionRunsFromIsRemovedItsTwinTakesOverAndThatIsSaid(@TempDir Path dir) throws Exception {
        Path first = Files.writeString(dir.resolve("a.yaml"), function("alpha", "one") + "---\n" + function("beta", "b"));
        Path twin = Files.writeString(dir.resolve("b.yaml"), function("alpha", "two"));
        AtomicReference<List<LocalFunction>> applied = new AtomicReference<>();
        List<String> said = Collections.synchronizedList(new ArrayList<>());
        try (FunctionWatcher watcher = new FunctionWatcher(List.of(dir), applied::set, said::add)) {
            assertThat(watcher.load()).extracting(LocalFunction::launch).first().isEqualTo(new LocalFunction.Command(List.of("one")));
            watcher.start(Duration.ofMillis(50));
            Files.delete(first);
            await().atMost(Duration.ofSeconds(10)).until(() -> applied.get() != null);
            assertThat(applied.get()).singleElement().extracting(LocalFunction::launch).isEqualTo(new LocalFunction.Command(List.of("two")));
            assertThat(said).filteredOn(line -> line.startsWith(first + ": removed")).singleElement().asString()
                    .isEqualTo(first + ": removed; its Functions stop: default/beta; default/alpha now runs as " + twin + ":1 defines it");
        }
    }

    @Test
    void aRemovedFileWhoseFunctionsNeverRanSaysSoAndALastingErrorIsSaidOnce(@TempDir Path dir) throws Exception {
        Path watched = Files.createDirectory(dir.resolve("functions"));
        Files.writeString(watched.resolve("a.yaml"), function("alpha", "one"));
        Path twin = Files.writeString(watched.resolve("b.yaml"), function("alpha", "two"));
        AtomicReference<List<LocalFunction>> applied = new AtomicReference<>();
        List<String> said = Collections.synchronizedList(new ArrayList<>());
        try (FunctionWatcher watcher = new FunctionWatcher(List.of(watched), applied::set, said::add)) {
            assertThat(names(watcher.load())).containsExactly("alpha");
            watcher.start(Duration.ofMillis(50));
            Files.delete(twin);
            await().atMost(Duration.ofSeconds(10)).until(() -> said.contains(twin + ": removed; none of its Functions was running"));

            Files.delete(watched.resolve("a.yaml"));
            Files.delete(watched);
            await().atMost(Duration.ofSeconds(10)).until(() -> said.stream().anyMatch(line -> line.contains("no such file or directory")));
            await().pollDelay(Duration.ofMillis(500)).until(() -> true);
            assertThat(said).filteredOn(line -> line.contains("no such file or directory")).hasSize(1);
        }
    }
}
