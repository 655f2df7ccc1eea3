package dev.muserving.layeringfixture.bench;

import io.vertx.core.FakeVertxContext;

/** A simulator class on an event loop, which the rules forbid. */
public class Simulation {
    FakeVertxContext context;
}
