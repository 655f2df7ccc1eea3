package dev.muserving.dataplane.testing;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;

/** A loopback port that refuses connections for the length of a test. */
public final class ClosedPort {

    private ClosedPort() {}

    /**
     * The first port below 1024 that refuses a connection now. A port freed from a port-0 bind is
     * not safe: the kernel may hand it out again to a server the same test starts at port 0 (once in
     * CI, a pod "whose function is gone" then forwarded to a live server and the request hung),
     * while ports below the ephemeral range are never handed out that way, and a test runs none.
     */
    public static int find() throws IOException {
        for (int port = 1; port < 1024; port++) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            } catch (ConnectException refused) {
                return port;
            } catch (IOException other) {
                // no clear refusal (a filter dropped it): try the next port
            }
        }
        throw new IOException("no port below 1024 refuses connections on 127.0.0.1");
    }
}
