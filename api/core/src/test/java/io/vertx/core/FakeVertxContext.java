package io.vertx.core;

/** Stands for a framework class in {@code dev.muserving.api.PolicyPurityTest}; not Vert.x. */
public final class FakeVertxContext {
    public long now() {
        return 42;
    }
}
