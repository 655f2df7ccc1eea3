package dev.muserving.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

@EnabledOnOs(value = OS.LINUX, disabledReason = "reads Linux's /proc")
class ListeningPortsTest {

    @Test
    void aListeningSocketOfTheProcessIsFoundAndTheClientEndOfAConnectionIsNot() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                Socket accepted = server.accept()) {
            assertThat(ListeningPorts.of(ProcessHandle.current().pid())).contains(server.getLocalPort())
                    .doesNotContain(client.getLocalPort());
        }
    }

    @Test
    void aProcessThatIsGoneListensNowhere() {
        assertThat(ListeningPorts.of(Long.MAX_VALUE)).isEmpty();
    }
}
