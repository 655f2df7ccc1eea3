package dev.muserving.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
            assertThat(said).contains(dir.resolve("b.yml") + ": removed; its Functions stop")
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
}
