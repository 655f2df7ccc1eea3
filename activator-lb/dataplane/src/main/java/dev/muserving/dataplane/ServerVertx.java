package dev.muserving.dataplane;

import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;

/**
 * Vert.x options for Mu's own processes. None of them serves files, so Vert.x's classpath file
 * cache is off. With it on, each process made a {@code vertx-cache-*} folder in /tmp at start: a
 * killed process left its folder behind (hundreds after a day of tests), and the queue-proxy needed
 * a writable root filesystem, where Knative's runs read-only.
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
