package dev.muserving.lbbench;

import java.time.Duration;

/** A duration as the command line takes it ({@code 20s}, {@code 500ms}), for messages and the commands a result records. */
public final class DurationText {

    private DurationText() {}

    public static String of(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
    }
}
