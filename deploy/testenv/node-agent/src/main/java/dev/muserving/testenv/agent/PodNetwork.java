package dev.muserving.testenv.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Each pod's own network, as a pod has on a real node: a network namespace ({@code ip netns}), a veth
 * pair whose host end joins the bridge testenv made, {@code eth0} inside with an address of the pod
 * /24 and a default route through the bridge. Containers then bind 0.0.0.0:8080 in every pod without
 * clashing, and the address is one the API server accepts in an EndpointSlice (loopback is not).
 */
final class PodNetwork {

    /** Every namespace the agent makes starts with this, so testenv.sh down finds what is left. */
    static final String PREFIX = "mu-pod-";

    private final String bridge;
    private final String subnet;
    private final BitSet used = new BitSet(256);
    private int lastGiven = 1;

    PodNetwork(String bridge, String subnet) {
        this.bridge = bridge;
        this.subnet = subnet;
        used.set(0);
        used.set(1); // the bridge
        used.set(255);
    }

    /** The namespace of a pod, from its uid: short enough for interface names, unique in practice. */
    static String namespaceOf(String podUid) {
        return PREFIX + podUid.replace("-", "").substring(0, 10);
    }

    /** An address the agent already gave (read back from its state after a restart). */
    synchronized void reserve(String ip) {
        used.set(Integer.parseInt(ip.substring(ip.lastIndexOf('.') + 1)));
    }

    synchronized void release(String ip) {
        int octet = Integer.parseInt(ip.substring(ip.lastIndexOf('.') + 1));
        if (octet > 1 && octet < 255) {
            used.clear(octet);
        }
    }

    /** Makes the pod's namespace and wires it to the bridge; the address it got. */
    String create(String namespace) throws IOException {
        String ip = allocate();
        String suffix = namespace.substring(PREFIX.length());
        String host = "mvh" + suffix;
        String peer = "mvp" + suffix;
        try {
            delete(namespace); // what a crash between two steps left
            ip("netns", "add", namespace);
            ip("link", "add", host, "type", "veth", "peer", "name", peer);
            ip("link", "set", host, "master", bridge, "up");
            ip("link", "set", peer, "netns", namespace);
            ip("-n", namespace, "link", "set", peer, "name", "eth0");
            ip("-n", namespace, "addr", "add", ip + "/24", "dev", "eth0");
            announceOnUp(namespace);
            ip("-n", namespace, "link", "set", "eth0", "up");
            ip("-n", namespace, "link", "set", "lo", "up");
            ip("-n", namespace, "route", "add", "default", "via", subnet + ".1");
            return ip;
        } catch (IOException | RuntimeException e) {
            release(ip);
            delete(namespace);
            throw e;
        }
    }

    /**
     * The pod's resolv.conf and hosts, as kubelet writes them for ClusterFirst DNS: {@code ip netns
     * exec} mounts the files of /etc/netns/NAME over /etc in the processes it starts.
     */
    void resolver(String namespace, String nameserver, String podNamespace, String domain, String ip, String hostname) throws IOException {
        Path dir = Path.of("/etc/netns", namespace);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("resolv.conf"), "nameserver " + nameserver + "\nsearch " + podNamespace + ".svc." + domain
                + " svc." + domain + " " + domain + "\noptions ndots:5\n");
        Files.writeString(dir.resolve("hosts"), "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
                + ip + "\t" + hostname + "\n");
    }

    /** Removes the namespace (its veth pair goes with it) and its resolver files; nothing when it is not there. */
    void delete(String namespace) {
        Path dir = Path.of("/etc/netns", namespace);
        for (String file : List.of("resolv.conf", "hosts")) {
            dir.resolve(file).toFile().delete();
        }
        dir.toFile().delete();
        try {
            run(List.of("ip", "netns", "delete", namespace));
        } catch (IOException e) {
            // not there
        }
    }

    /** The processes that run in the namespace, whoever started them. */
    List<Long> pids(String namespace) {
        try {
            List<Long> pids = new ArrayList<>();
            for (String line : run(List.of("ip", "netns", "pids", namespace)).split("\n")) {
                if (!line.isBlank()) {
                    pids.add(Long.parseLong(line.trim()));
                }
            }
            return pids;
        } catch (IOException | NumberFormatException e) {
            return List.of();
        }
    }

    /** Every pod namespace that exists now, the agent's or a previous run's. */
    List<String> existing() {
        try {
            List<String> names = new ArrayList<>();
            for (String line : run(List.of("ip", "netns", "list")).split("\n")) {
                String name = line.split(" ")[0].trim();
                if (name.startsWith(PREFIX)) {
                    names.add(name);
                }
            }
            return names;
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * The next free address after the last one given, round the /24: an address freed a moment ago
     * is the last to be given again. Given at once (the lowest free one), it came with a new MAC
     * while its neighbours still held the old one, and traffic to the new pod stalled 7–17 s until
     * their ARP entries expired (found by an outside probe: a 502 after 16 s, a rollout's requests
     * taking 17 s).
     */
    synchronized String allocate() throws IOException {
        int octet = used.nextClearBit(lastGiven + 1);
        if (octet >= 255) {
            octet = used.nextClearBit(2);
        }
        if (octet >= 255) {
            throw new IOException("the pod network " + subnet + ".0/24 is full (253 pods)");
        }
        used.set(octet);
        lastGiven = octet;
        return subnet + "." + octet;
    }

    /**
     * A gratuitous ARP as eth0 comes up, so that neighbours still holding an address's old MAC (it
     * comes round again after 253 pods) learn the new one. Best effort: without it only that rare
     * reuse is slow.
     */
    private static void announceOnUp(String namespace) {
        try {
            run(List.of("ip", "netns", "exec", namespace, "sh", "-c", "echo 1 > /proc/sys/net/ipv4/conf/eth0/arp_notify"));
        } catch (IOException e) {
            // the address is still fresh in most cases: see allocate()
        }
    }

    private static void ip(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        run(command);
    }

    private static String run(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + ": no answer in 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output.strip());
        }
        return output;
    }
}
