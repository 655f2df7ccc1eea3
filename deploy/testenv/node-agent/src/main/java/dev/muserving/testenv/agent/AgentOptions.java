package dev.muserving.testenv.agent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How the agent is started ({@code testenv.sh up --process-nodes} passes these): which nodes it
 * owns, their size and speed, the pod network it hands addresses from, the image map, and where it
 * keeps what it must remember across a restart.
 *
 * @param nodes node counts by architecture, e.g. {@code amd64=1, arm64=1}
 * @param speeds each architecture's speed (1 is the reference), given to the pods as {@code MU_NODE_SPEED}
 * @param subnet the first three octets of the pod network's /24; {@code .1} is the bridge, pods get {@code .2} up
 * @param restartBackoff the first wait before a crashed container starts again (kubelet: 10 s),
 *     doubling up to {@code maxRestartBackoff}
 * @param clusterDns the name server pods get in their resolv.conf (kubelet's clusterDNS); empty: the host's
 * @param clusterDomain the cluster's DNS domain, which the pods' search list is made of
 */
record AgentOptions(
        Map<String, Integer> nodes,
        Map<String, Double> speeds,
        String cpu,
        String memory,
        int maxPods,
        String bridge,
        String subnet,
        Path imageMap,
        Path repository,
        Path stateDir,
        Duration restartBackoff,
        Duration maxRestartBackoff,
        Optional<String> clusterDns,
        String clusterDomain) {

    static final String USAGE = """
            usage: mu-node-agent --nodes amd64=1,arm64=1 --image-map FILE --state-dir DIR [options]
              --nodes A=N,...        process nodes to own, by architecture (amd64, arm64)
              --speed A=F,...        node speed by architecture (default amd64=1,arm64=0.6)
              --node-cpu N           CPU of each node (default 4)
              --node-memory Q        memory of each node (default 8Gi)
              --max-pods N           pods per node (default 110)
              --bridge NAME          the bridge testenv made for the pods (default mu-testenv0)
              --subnet A.B.C         the pods' /24; the bridge is A.B.C.1 (default 10.244.0)
              --image-map FILE       image -> command (deploy/testenv/images.yaml)
              --repository DIR       ${MU_REPO} in the image map (default: the working directory)
              --state-dir DIR        what survives an agent restart (pods' processes, addresses), and pod logs
              --restart-backoff D    first wait before restarting a crashed container (default 10s)
              --cluster-dns IP       the name server in pods' resolv.conf (default: none, the host's resolv.conf)
              --cluster-domain D     the cluster's DNS domain, for pods' search list (default cluster.local)
            The API server is the one of $KUBECONFIG.""";

    static AgentOptions parse(List<String> args) {
        Map<String, String> given = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--") || i + 1 >= args.size()) {
                throw new IllegalArgumentException("expected --option value, got '" + arg + "'\n" + USAGE);
            }
            given.put(arg.substring(2), args.get(++i));
        }
        List<String> known = List.of("nodes", "speed", "node-cpu", "node-memory", "max-pods", "bridge", "subnet", "image-map",
                "repository", "state-dir", "restart-backoff", "cluster-dns", "cluster-domain");
        given.keySet().stream().filter(k -> !known.contains(k)).findFirst().ifPresent(k -> {
            throw new IllegalArgumentException("unknown option --" + k + "\n" + USAGE);
        });
        Map<String, Integer> nodes = new LinkedHashMap<>();
        pairs(required(given, "nodes"), "--nodes").forEach((arch, count) -> nodes.put(arch, wholeNumber(count, "--nodes " + arch)));
        Map<String, Double> speeds = new LinkedHashMap<>(Map.of("amd64", 1.0, "arm64", 0.6));
        pairs(given.getOrDefault("speed", ""), "--speed").forEach((arch, speed) -> speeds.put(arch, positive(speed, "--speed " + arch)));
        String subnet = given.getOrDefault("subnet", "10.244.0");
        if (!subnet.matches("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})")) {
            throw new IllegalArgumentException("--subnet must be the first three octets of a /24, e.g. 10.244.0, got '" + subnet + "'");
        }
        Duration backoff = seconds(given.getOrDefault("restart-backoff", "10s"), "--restart-backoff");
        return new AgentOptions(nodes, speeds, given.getOrDefault("node-cpu", "4"), given.getOrDefault("node-memory", "8Gi"),
                wholeNumber(given.getOrDefault("max-pods", "110"), "--max-pods"), given.getOrDefault("bridge", "mu-testenv0"), subnet,
                Path.of(required(given, "image-map")), Path.of(given.getOrDefault("repository", ".")).toAbsolutePath(),
                Path.of(required(given, "state-dir")), backoff, Duration.ofMinutes(5).compareTo(backoff) > 0 ? Duration.ofMinutes(5) : backoff,
                Optional.ofNullable(given.get("cluster-dns")).map(AgentOptions::address), given.getOrDefault("cluster-domain", "cluster.local"));
    }

    private static String address(String ip) {
        if (!ip.matches("\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")) {
            throw new IllegalArgumentException("--cluster-dns must be an IPv4 address, got '" + ip + "'");
        }
        return ip;
    }

    String gateway() {
        return subnet + ".1";
    }

    private static String required(Map<String, String> given, String name) {
        String value = given.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("--" + name + " is required\n" + USAGE);
        }
        return value;
    }

    private static Map<String, String> pairs(String spec, String option) {
        Map<String, String> pairs = new LinkedHashMap<>();
        for (String pair : spec.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            String[] kv = pair.split("=", 2);
            if (kv.length != 2 || !(kv[0].equals("amd64") || kv[0].equals("arm64"))) {
                throw new IllegalArgumentException(option + " takes amd64=X,arm64=Y, got '" + pair + "'");
            }
            pairs.put(kv[0], kv[1]);
        }
        return pairs;
    }

    private static int wholeNumber(String value, String what) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // said below
        }
        throw new IllegalArgumentException(what + " must be a whole number, got '" + value + "'");
    }

    private static double positive(String value, String what) {
        try {
            double d = Double.parseDouble(value.trim());
            if (d > 0 && d <= 100) {
                return d;
            }
        } catch (NumberFormatException ignored) {
            // said below
        }
        throw new IllegalArgumentException(what + " must be a number above 0, got '" + value + "'");
    }

    private static Duration seconds(String value, String what) {
        if (value.matches("\\d+(ms|s)")) {
            return value.endsWith("ms") ? Duration.ofMillis(Long.parseLong(value.replace("ms", "")))
                    : Duration.ofSeconds(Long.parseLong(value.replace("s", "")));
        }
        throw new IllegalArgumentException(what + " must be a duration such as 10s or 500ms, got '" + value + "'");
    }
}
