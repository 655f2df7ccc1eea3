package dev.muserving.api;

import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The Mu headers of one response, each one present only when it was well formed. Built by
 * {@link MuHeaderParser}.
 */
public record HeaderReport(
        OptionalInt queueLength,
        OptionalDouble serviceRate,
        Optional<String> pod,
        Optional<Arch> arch,
        OptionalLong timestampMillis) {

    public static final HeaderReport EMPTY = new HeaderReport(
            OptionalInt.empty(), OptionalDouble.empty(),
            Optional.empty(), Optional.empty(), OptionalLong.empty());

    public boolean isEmpty() {
        return this.equals(EMPTY);
    }
}
