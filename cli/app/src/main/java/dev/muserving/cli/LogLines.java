package dev.muserving.cli;

import java.util.Locale;
import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Hands what java.util.logging gets (the data plane's warnings) to a command's own output, one line
 * each ("warning: …"), instead of the JVM's two-line format on standard error between them, or over
 * {@code mu local}'s table.
 */
final class LogLines extends Handler {

    private final Consumer<String> say;
    private final SimpleFormatter text = new SimpleFormatter();

    private LogLines(Consumer<String> say) {
        this.say = say;
    }

    /** Replaces the root logger's handlers. */
    static void sayInstead(Consumer<String> say) {
        Logger root = LogManager.getLogManager().getLogger("");
        for (Handler handler : root.getHandlers()) {
            root.removeHandler(handler);
        }
        root.addHandler(new LogLines(say));
    }

    @Override
    public void publish(LogRecord record) {
        if (isLoggable(record)) {
            say.accept(record.getLevel().getName().toLowerCase(Locale.ROOT) + ": " + text.formatMessage(record)
                    + (record.getThrown() == null ? "" : " (" + record.getThrown() + ")"));
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
