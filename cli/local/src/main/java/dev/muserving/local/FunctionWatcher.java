package dev.muserving.local;

import dev.muserving.api.BadInputException;
import dev.muserving.api.FunctionKey;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Watches the Function files of {@code mu local}: an edited file is read again and its Functions
 * applied, a deleted one takes its Functions away, a new one brings its own. A file that has become
 * invalid is reported (file, line, field) and its previous version keeps running, as {@code kubectl
 * apply} leaves a Function alone when the new one is refused. Polls once a second: the files are
 * small, and polling sees every editor's way of saving; a change counts once two polls agree, so a
 * file caught half written is not applied.
 */
public final class FunctionWatcher implements AutoCloseable {

    private final List<Path> inputs;
    private volatile Consumer<List<LocalFunction>> apply;
    private final Consumer<String> say;
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mu-local-watch");
        t.setDaemon(true);
        return t;
    });
    private Map<Path, String> contents = Map.of();
    private Map<Path, String> pending;
    private final Map<Path, List<LocalFunction>> good = new LinkedHashMap<>();

    /** @param apply where changes go; null until {@link #onChange} names it */
    public FunctionWatcher(List<Path> inputs, Consumer<List<LocalFunction>> apply, Consumer<String> say) {
        this.inputs = List.copyOf(inputs);
        this.apply = apply;
        this.say = say;
    }

    /** Symbolic links among the inputs that point nowhere, as of the last read. */
    private Set<Path> dangling = Set.of();
    /** Files that could not be read (not UTF-8, say), as of the last read: each said once. */
    private Set<Path> unreadable = Set.of();
    /** The last error a poll said, so that one that lasts is said once, not every second. */
    private String lastError;

    /** Reads every file once and returns what to run now; the errors and notes are said. */
    public synchronized List<LocalFunction> load() throws IOException {
        Map<Path, String> now = read(FunctionFiles.expand(inputs));
        update(now);
        return current();
    }

    /** Where changes go (the running system, once it is up). */
    public void onChange(Consumer<List<LocalFunction>> target) {
        this.apply = target;
    }

    public void start(Duration interval) {
        poller.scheduleWithFixedDelay(this::poll, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private synchronized void poll() {
        try {
            Map<Path, String> now = read(FunctionFiles.expand(inputs));
            if (now.equals(contents)) {
                pending = null;
                return;
            }
            if (!now.equals(pending)) {
                // an editor saving may be half way (a truncated file): act once two polls agree
                pending = now;
                return;
            }
            pending = null;
            update(now);
            Consumer<List<LocalFunction>> target = apply;
            if (target != null) {
                target.accept(current());
            }
            lastError = null;
        } catch (IOException | BadInputException e) {
            sayOnce("error: " + e.getMessage());
        } catch (RuntimeException e) {
            sayOnce("error: watching " + inputs + ": " + e);
        }
    }

    private void sayOnce(String error) {
        if (!error.equals(lastError)) {
            say.accept(error + " (said once while it lasts)");
            lastError = error;
        }
    }

    private void update(Map<Path, String> now) {
        Map<FunctionKey, LocalFunction> running = byKey(duplicate -> { });
        Map<Path, List<LocalFunction>> removed = new LinkedHashMap<>();
        for (Path gone : contents.keySet()) {
            if (!now.containsKey(gone)) {
                removed.put(gone, good.getOrDefault(gone, List.of()).stream().filter(fn -> running.get(fn.key()) == fn).toList());
                good.remove(gone);
            }
        }
        removed.forEach((gone, wereRunning) -> say.accept(gone + ": removed" + whatBecomesOf(wereRunning, byKey(duplicate -> { }))));
        now.forEach((file, text) -> {
            if (text.equals(contents.get(file))) {
                return;
            }
            FunctionFiles.Result result = FunctionFiles.parse(file.toString(), text);
            result.notes().forEach(note -> say.accept("note: " + note));
            if (result.problems().isEmpty()) {
                if (contents.containsKey(file)) {
                    say.accept(file + ": changed; applying " + result.functions().size() + " Function(s)");
                }
                good.put(file, result.functions());
            } else {
                result.problems().forEach(problem -> say.accept("error: " + problem));
                if (good.containsKey(file)) {
                    say.accept(file + ": not applied; its previous version keeps running");
                }
            }
        });
        contents = now;
    }

    /**
     * A removed file's running Functions stop, but one that another file defines too runs as that
     * file says from now on: said, since the two may differ (a probe found it silent).
     */
    private static String whatBecomesOf(List<LocalFunction> wereRunning, Map<FunctionKey, LocalFunction> left) {
        if (wereRunning.isEmpty()) {
            return "; none of its Functions was running";
        }
        List<String> stopping = new ArrayList<>();
        List<String> movingOn = new ArrayList<>();
        for (LocalFunction fn : wereRunning) {
            LocalFunction other = left.get(fn.key());
            if (other == null) {
                stopping.add(fn.key().toString());
            } else {
                movingOn.add(fn.key() + " now runs as " + other.source() + " defines it");
            }
        }
        return (stopping.isEmpty() ? "" : "; its Functions stop: " + String.join(", ", stopping))
                + (movingOn.isEmpty() ? "" : "; " + String.join("; ", movingOn));
    }

    /** The good Functions of every file; a Function defined in two files runs from the first. */
    private List<LocalFunction> current() {
        return new ArrayList<>(byKey(say).values());
    }

    private Map<FunctionKey, LocalFunction> byKey(Consumer<String> duplicates) {
        Map<FunctionKey, LocalFunction> byKey = new LinkedHashMap<>();
        for (List<LocalFunction> functions : good.values()) {
            for (LocalFunction fn : functions) {
                LocalFunction first = byKey.putIfAbsent(fn.key(), fn);
                if (first != null) {
                    duplicates.accept("error: " + fn.source() + ": function " + fn.key() + " is defined twice (first in " + first.source() + ")");
                }
            }
        }
        return byKey;
    }

    private Map<Path, String> read(List<Path> files) throws IOException {
        Map<Path, String> texts = new TreeMap<>();
        Set<Path> broken = new HashSet<>();
        Set<Path> cannotRead = new HashSet<>();
        for (Path file : files) {
            try {
                if (Files.exists(file) && !Files.isRegularFile(file)) {
                    throw new FileSystemException(file.toString(), null, "not a regular file");
                }
                texts.put(file, Files.readString(file));
            } catch (NoSuchFileException e) {
                if (Files.isSymbolicLink(file)) {
                    broken.add(file);
                    if (!dangling.contains(file)) { // said once, not at every poll
                        say.accept("error: " + file + ": a symbolic link to " + Files.readSymbolicLink(file)
                                + ", which does not exist; skipped until it does");
                    }
                }
                // else deleted between listing and reading: gone on this round
            } catch (IOException e) {
                // one file that cannot be read must not stop the others (a symbolic link loop did,
                // and a named pipe hung the read): skipped, or its last version kept
                cannotRead.add(file);
                String previous = contents.get(file);
                if (previous != null) {
                    texts.put(file, previous);
                }
                if (!unreadable.contains(file)) {
                    say.accept("error: " + file + ": " + whyUnreadable(e)
                            + (previous != null ? "; its previous version keeps running" : "; skipped until it can be read"));
                }
            }
        }
        dangling = broken;
        unreadable = cannotRead;
        return texts;
    }

    private static String whyUnreadable(IOException e) {
        if (e instanceof CharacterCodingException) {
            return "not UTF-8 text";
        }
        if (e instanceof AccessDeniedException) {
            return "cannot be read (permission denied)";
        }
        return e instanceof FileSystemException fs && fs.getReason() != null ? "cannot be read (" + fs.getReason() + ")"
                : "cannot be read (" + e.getMessage() + ")";
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
