package dev.muserving.cli;

import dev.muserving.api.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A directory an option names for the command to write into, made (or found) before any work starts. */
final class OutputDirectory {

    private OutputDirectory() {}

    static Path create(String option, Path dir) {
        if (dir.toString().isBlank()) { // Path.of("") is the working directory: files would land there unasked
            throw new BadInputException(option + ": empty; give a directory");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new BadInputException(option + " " + dir + ": cannot write there (" + (Files.exists(dir) ? "it is a file, not a directory"
                    : e.getClass().getSimpleName() + ": " + e.getMessage()) + ")", e);
        }
        if (!Files.isWritable(dir)) {
            throw new BadInputException(option + " " + dir + ": the directory is not writable");
        }
        return dir;
    }
}
