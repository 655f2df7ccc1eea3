package dev.muserving.dataplane;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Starts {@code sleep 300} as a child, says its pid, and waits: the parent that {@link ChildProcessTest}
 * kills with SIGKILL, so that it cannot stop its child itself.
 */
public final class ParentOfASleeperMain {

    private ParentOfASleeperMain() {}

    public static void main(String[] args) throws Exception {
        ChildProcess sleeper = ChildProcess.launch("sleeper", List.of("sleep", "300"), Map.of(), Path.of(System.getenv("SLEEPER_LOG")));
        System.out.println("sleeper pid " + sleeper.pid());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
