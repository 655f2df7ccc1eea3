package dev.muserving.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerVertxTest {

    @Test
    void muProcessesLeaveNoCacheFolder(@TempDir Path cacheBase) throws Exception {
        assertThat(entriesAfterStarting(ServerVertx.options(1), cacheBase)).isEmpty();
    }

    @Test
    void vertxDefaultsWouldMakeACacheFolder(@TempDir Path cacheBase) throws Exception {
        // what the test above guards against: without the options a folder appears at once
        assertThat(entriesAfterStarting(new VertxOptions(), cacheBase)).isNotEmpty();
    }

    private static List<Path> entriesAfterStarting(VertxOptions options, Path cacheBase) throws Exception {
        Path cache = cacheBase.resolve("vertx-cache");
        options.getFileSystemOptions().setFileCacheDir(cache.toString());
        Vertx vertx = Vertx.vertx(options);
        try {
            return list(cacheBase);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.toList();
        }
    }
}
