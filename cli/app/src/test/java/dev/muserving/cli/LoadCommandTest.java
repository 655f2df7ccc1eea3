package dev.muserving.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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

    @Test
    void atFileSendsTheFilesTextAsCurlDoesAndAFileThatCannotBeSentIsSaidByName(@TempDir Path dir) throws IOException {
        List<String> bodies = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.createContext("/", exchange -> {
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        try {
            Path json = Files.writeString(dir.resolve("body.json"), "{\"hello\": \"world\"}");
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
            assertThat(run("load", "--rate", "5", "--duration", "1s", "--body", "@" + json, url).exit()).isZero();
            assertThat(bodies).isNotEmpty().allMatch("{\"hello\": \"world\"}"::equals);

            Run missing = run("load", "--rate", "5", "--duration", "1s", "--body", "@" + dir.resolve("nofile"), url);
            assertThat(missing.exit()).isEqualTo(2);
            assertThat(missing.err()).isEqualTo("mu: --body @" + dir.resolve("nofile") + ": no such file\n");
            Path binary = Files.write(dir.resolve("blob"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
            assertThat(run("load", "--rate", "5", "--duration", "1s", "--body", "@" + binary, url).err())
                    .isEqualTo("mu: --body @" + binary + ": not UTF-8 text; mu load sends text bodies only\n");
        } finally {
            server.stop(0);
        }
    }

    private record Run(int exit, String err) {}

    private static Run run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = Mu.commandLine();
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, err.toString());
    }
}
