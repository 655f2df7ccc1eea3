package dev.muserving.testenv.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the agent must remember across its own restart, as a kubelet finds its containers again:
 * each pod's network namespace and address, and each container's process (pid and start time, so a
 * pid reused by another program is never taken for it). Written whole on every change.
 */
final class AgentState {

    record ContainerRecord(long pid, long startedMillis, int restarts) {}

    record PodRecord(String namespace, String name, String node, String netns, String ip, Map<String, ContainerRecord> containers) {
        PodRecord {
            containers = Map.copyOf(containers);
        }
    }

    record Snapshot(Map<String, PodRecord> pods) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;
    private final Map<String, PodRecord> pods = new LinkedHashMap<>();

    private AgentState(Path file) {
        this.file = file;
    }

    static AgentState open(Path dir) throws IOException {
        Files.createDirectories(dir);
        AgentState state = new AgentState(dir.resolve("pods.json"));
        if (Files.isRegularFile(state.file)) {
            Snapshot snapshot = JSON.readValue(state.file.toFile(), Snapshot.class);
            if (snapshot.pods() != null) {
                state.pods.putAll(snapshot.pods());
            }
        }
        return state;
    }

    synchronized Map<String, PodRecord> pods() {
        return Map.copyOf(pods);
    }

    synchronized void put(String uid, PodRecord pod) {
        pods.put(uid, pod);
        save();
    }

    synchronized void remove(String uid) {
        if (pods.remove(uid) != null) {
            save();
        }
    }

    private void save() {
        try {
            Path next = file.resolveSibling(file.getFileName() + ".next");
            JSON.writeValue(next.toFile(), new Snapshot(pods));
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the agent's state to " + file, e);
        }
    }
}
