package dev.muserving.dataplane;

import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;

/**
 * Vert.x options for Mu's own processes. None of them serves files, so Vert.x's classpath file
 * cache is off. With it on, each process made a {@code vertx-cache-*} folder in /tmp at start. A
 * killed process left its folder behind (hundreds after a day of tests). The queue-proxy could not
 * run with a read-only root filesystem, as Knative's does.
 */
public final class ServerVertx {

    private ServerVertx() {}

    public static VertxOptions options() {
        return new VertxOptions().setFileSystemOptions(
                new FileSystemOptions().setClassPathResolvingEnabled(false).setFileCachingEnabled(false));
    }

    public static VertxOptions options(int eventLoops) {
        return options().setEventLoopPoolSize(eventLoops);
    }
}
