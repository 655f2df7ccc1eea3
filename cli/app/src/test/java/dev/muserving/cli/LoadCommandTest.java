package dev.muserving.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class LoadCommandTest {

    @Test
    void requestsThatGetNoAnswerAreCountedWithTheirReasonAndNoLatencyIsMadeUp() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closed = socket.getLocalPort(); // nothing listens there once it is closed
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit = new CommandLine(new LoadCommand(new PrintStream(bytes, true, StandardCharsets.UTF_8)))
                .execute("--rate", "20", "--duration", "1s", "--timeout", "5s", "http://127.0.0.1:" + closed + "/");
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(out).isEqualTo(Mu.EXIT_REQUESTS_FAILED);
        assertThat(out).contains("total   sent ").contains("p99 -, p50 -").containsPattern("no answer: \\d+ × ConnectException");
        assertThat(out).doesNotContain("0.0 ms");
    }
}
