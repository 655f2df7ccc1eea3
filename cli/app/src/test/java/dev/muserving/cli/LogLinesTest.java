package dev.muserving.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class LogLinesTest {

    @Test
    void aLogRecordBecomesOneLineOfTheCommandsOwnOutput() {
        Logger root = LogManager.getLogManager().getLogger("");
        Handler[] before = root.getHandlers();
        List<String> said = new ArrayList<>();
        try {
            LogLines.sayInstead(said::add);
            Logger.getLogger("dev.muserving.dataplane.queueproxy.QueueProxy")
                    .log(Level.WARNING, "pod {0}: the function failed", new Object[] {"echo-1"});
            Logger.getLogger("x").log(Level.SEVERE, "cannot bind", new IOException("Address already in use"));
            Logger.getLogger("x").fine("not said: below INFO");
            assertThat(said).containsExactly("warning: pod echo-1: the function failed",
                    "severe: cannot bind (java.io.IOException: Address already in use)");
        } finally {
            for (Handler handler : root.getHandlers()) {
                root.removeHandler(handler);
            }
            for (Handler handler : before) {
                root.addHandler(handler);
            }
        }
    }
}
