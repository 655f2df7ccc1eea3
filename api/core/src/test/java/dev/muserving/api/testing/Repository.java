package dev.muserving.api.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** The checkout the tests run in, so that a test finds examples/ and deploy/ from any module's folder. */
public final class Repository {

    private Repository() {}

    /** The checkout's root: the first folder up from the working directory that holds deploy/testenv. */
    public static Path root() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("deploy/testenv/testenv.sh"))) {
                return dir;
            }
        }
        throw new IllegalStateException("deploy/testenv/testenv.sh not found above " + Path.of("").toAbsolutePath());
    }

    /** A path under the root, e.g. {@code Repository.path("examples", "echo.yaml")}. */
    public static Path path(String first, String... more) {
        return root().resolve(Path.of(first, more));
    }
}
