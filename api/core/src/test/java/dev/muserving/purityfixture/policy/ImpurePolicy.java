package dev.muserving.purityfixture.policy;

import io.vertx.core.FakeVertxContext;

/** A policy that breaks rule 1 of docs/architecture.md on purpose, so the purity rule can be seen to fail. */
public final class ImpurePolicy {
    public long decide(FakeVertxContext context) {
        return context.now();
    }
}
