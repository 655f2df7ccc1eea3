package dev.muserving.testenv.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AgentContainerTest {

    private static final Instant T0 = Instant.parse("2026-12-02T00:00:00Z");

    @Test
    void aProcessThatDiedIsRestartedOnlyOnceItsExitIsRecordedAndItsBackOffIsOver() throws Exception {
        AgentContainer container = new AgentContainer(new ContainerBuilder().withName("function").build(), "Always", Duration.ofSeconds(1));
        assertThat(container.mayStart(T0)).as("never started").isTrue();

        Process process = new ProcessBuilder("true").start();
        process.waitFor();
        container.process = process.toHandle();
        container.child = process;
        container.startedAt = T0;
        // dead, but the sync thread has not handled its exit yet: a start now would count no restart and lose the exit code
        assertThat(container.running()).isFalse();
        assertThat(container.mayStart(T0.plusSeconds(5))).isFalse();

        container.exited(137, T0.plusSeconds(1), Duration.ofMinutes(5));
        assertThat(container.last.exitCode()).isEqualTo(137);
        assertThat(container.mayStart(T0.plusMillis(1500))).as("in its back-off").isFalse();
        assertThat(container.mayStart(T0.plusSeconds(2))).isTrue();

        container.waitingReason = "ErrImagePull";
        assertThat(container.mayStart(T0.plusSeconds(60))).as("waiting for a reason of its own").isFalse();
    }

    @Test
    void anHttpPreStopHookIsFoundAndAnExecOneIsNot() {
        AgentContainer withHook = new AgentContainer(new ContainerBuilder().withName("function")
                .withNewLifecycle().withNewPreStop().withNewHttpGet().withPath("/wait-for-drain").withPort(new IntOrString(8022))
                .endHttpGet().endPreStop().endLifecycle().build(), "Always", Duration.ofSeconds(1));
        assertThat(withHook.preStopHttpGet()).hasValueSatisfying(h -> assertThat(h.getPath()).isEqualTo("/wait-for-drain"));
        assertThat(withHook.port(withHook.preStopHttpGet().orElseThrow().getPort())).contains(8022);

        AgentContainer exec = new AgentContainer(new ContainerBuilder().withName("function")
                .withNewLifecycle().withNewPreStop().withNewExec().withCommand("sleep", "5").endExec().endPreStop().endLifecycle().build(),
                "Always", Duration.ofSeconds(1));
        assertThat(exec.preStopHttpGet()).isEmpty();
        assertThat(new AgentContainer(new ContainerBuilder().withName("plain").build(), "Always", Duration.ofSeconds(1)).preStopHttpGet()).isEmpty();
    }
}
