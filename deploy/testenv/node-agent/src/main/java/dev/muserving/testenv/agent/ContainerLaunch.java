package dev.muserving.testenv.agent;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecurityContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How one container of a pod starts, as a container runtime would start it: the image's entrypoint
 * and arguments unless the container overrides them, the image's environment under the container's
 * own (downward-API values included), {@code $(VAR)} references expanded, and the user the pod asks for.
 *
 * @param argv the full command line, run inside the pod's network namespace
 * @param user the uid to run as (the pod's or container's runAsUser, else the image's)
 * @param readOnlyRoot the container's {@code readOnlyRootFilesystem}: every filesystem but its
 *     writable volumes, /proc, /sys and /dev is read-only to it, as a container runtime leaves its
 *     image's root (on a process node the root is this machine's own)
 */
record ContainerLaunch(List<String> argv, Map<String, String> env, long user, long group, List<PodVolumes.Mount> mounts,
        boolean readOnlyRoot) {

    /**
     * Runs first inside the pod's mount namespace (which {@code ip netns exec} makes private), as
     * root: each mount as (source, target, ro|rw), then {@code --}, then {@code ro} or {@code rw} for
     * the root, then the command it execs.
     */
    private static final String MOUNT_SCRIPT = """
            writable=" "
            while [ "$1" != -- ]; do
              if [ -d "$1" ]; then mkdir -p "$2"; else mkdir -p "$(dirname "$2")" && { [ -e "$2" ] || : >"$2"; }; fi
              mount --bind "$1" "$2" || exit 125
              if [ "$3" = rw ]; then writable="$writable$2 "; else mount -o remount,bind,ro "$2" || exit 125; fi
              shift 3
            done
            if [ "$2" = ro ]; then
              for m in $(awk '{print $2}' /proc/self/mounts); do
                case "$m" in /proc|/proc/*|/sys|/sys/*|/dev|/dev/*) continue ;; esac
                case "$writable" in *" $m "*) continue ;; esac
                mount -o remount,bind,ro "$m" || exit 125
              done
            fi
            shift 2
            exec "$@"
            """;

    private static final Pattern REFERENCE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

    /** Something in the pod's spec that no process can be started from: the container waits, naming it. */
    static final class NotRunnable extends Exception {
        private static final long serialVersionUID = 1L;
        final String reason;

        NotRunnable(String reason, String message) {
            super(message);
            this.reason = reason;
        }
    }

    /**
     * @param lookup a ConfigMap's or Secret's key, for {@code configMapKeyRef}/{@code secretKeyRef}:
     *     (kind/name, key) → value, null when there is none
     */
    /**
     * @param clusterEnv what kubelet puts first in every container's environment (the API server's
     *     Service as {@code KUBERNETES_SERVICE_HOST}/{@code _PORT})
     */
    static ContainerLaunch of(Pod pod, Container container, Optional<ImageMap.Image> mapped, String podIp, String hostIp, String arch, double speed,
            Map<String, String> clusterEnv, List<PodVolumes.Mount> mounts, BiFunction<String, String, String> lookup) throws NotRunnable {
        ImageMap.Image image = mapped.orElseThrow(() -> new NotRunnable("ErrImagePull", "no image can be pulled here: the node agent runs"
                + " images as local programs and '" + container.getImage() + "' is not in its image map (deploy/testenv/images.yaml)"));
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
        env.put("HOME", "/tmp");
        env.put("HOSTNAME", pod.getMetadata().getName());
        env.put("MU_NODE_ARCH", arch); // a process runs on this machine's CPU whatever the node claims to be
        env.put("MU_NODE_SPEED", Double.toString(speed));
        env.putAll(clusterEnv);
        env.putAll(image.env());
        if (container.getEnv() != null) {
            for (EnvVar variable : container.getEnv()) {
                String value = variable.getValueFrom() != null
                        ? valueFrom(pod, variable.getName(), variable.getValueFrom(), podIp, hostIp, lookup)
                        : expand(variable.getValue() == null ? "" : variable.getValue(), env);
                env.put(variable.getName(), value);
            }
        }
        boolean overridesCommand = container.getCommand() != null && !container.getCommand().isEmpty();
        List<String> argv = new ArrayList<>(overridesCommand ? container.getCommand() : image.entrypoint());
        if (container.getArgs() != null && !container.getArgs().isEmpty()) {
            argv.addAll(container.getArgs());
        } else if (!overridesCommand) {
            argv.addAll(image.args());
        }
        argv.replaceAll(arg -> expand(arg, env));

        SecurityContext own = container.getSecurityContext();
        var podSecurity = pod.getSpec().getSecurityContext();
        Long user = own != null && own.getRunAsUser() != null ? own.getRunAsUser()
                : podSecurity != null && podSecurity.getRunAsUser() != null ? podSecurity.getRunAsUser() : image.user();
        Long group = own != null && own.getRunAsGroup() != null ? own.getRunAsGroup()
                : podSecurity != null && podSecurity.getRunAsGroup() != null ? podSecurity.getRunAsGroup() : user;
        boolean nonRoot = Boolean.TRUE.equals(own != null ? own.getRunAsNonRoot() : null)
                || Boolean.TRUE.equals(podSecurity != null ? podSecurity.getRunAsNonRoot() : null);
        if (nonRoot && user == 0) {
            throw new NotRunnable("CreateContainerConfigError", "container has runAsNonRoot and its image will run as root");
        }
        boolean readOnlyRoot = own != null && Boolean.TRUE.equals(own.getReadOnlyRootFilesystem());
        return new ContainerLaunch(List.copyOf(argv), env, user, group, List.copyOf(mounts), readOnlyRoot);
    }

    /** The command line to start, inside the pod's namespaces, with its volumes mounted, as the pod's user. */
    List<String> commandLine(String netns) {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", netns));
        if (!mounts.isEmpty() || readOnlyRoot) {
            command.addAll(List.of("sh", "-c", MOUNT_SCRIPT, "mount-volumes"));
            for (PodVolumes.Mount mount : mounts) {
                command.addAll(List.of(mount.source().toString(), mount.target(), mount.readOnly() ? "ro" : "rw"));
            }
            command.addAll(List.of("--", readOnlyRoot ? "ro" : "rw"));
        }
        if (user != 0) {
            command.addAll(List.of("setpriv", "--reuid=" + user, "--regid=" + group, "--clear-groups", "--"));
        }
        command.addAll(argv);
        return command;
    }

    private static String valueFrom(Pod pod, String name, EnvVarSource source, String podIp, String hostIp,
            BiFunction<String, String, String> lookup) throws NotRunnable {
        if (source.getFieldRef() != null) {
            String path = source.getFieldRef().getFieldPath();
            String value = switch (path) {
                case "metadata.name" -> pod.getMetadata().getName();
                case "metadata.namespace" -> pod.getMetadata().getNamespace();
                case "metadata.uid" -> pod.getMetadata().getUid();
                case "spec.nodeName" -> pod.getSpec().getNodeName();
                case "spec.serviceAccountName" -> pod.getSpec().getServiceAccountName();
                case "status.podIP" -> podIp;
                case "status.hostIP" -> hostIp;
                default -> labelOrAnnotation(pod, path);
            };
            if (value == null) {
                throw new NotRunnable("CreateContainerConfigError", "env " + name + ": fieldRef " + path + " is not supported here");
            }
            return value;
        }
        if (source.getConfigMapKeyRef() != null || source.getSecretKeyRef() != null) {
            boolean configMap = source.getConfigMapKeyRef() != null;
            String object = configMap ? "configmap/" + source.getConfigMapKeyRef().getName() : "secret/" + source.getSecretKeyRef().getName();
            String key = configMap ? source.getConfigMapKeyRef().getKey() : source.getSecretKeyRef().getKey();
            String value = lookup.apply(object, key);
            if (value == null) {
                throw new NotRunnable("CreateContainerConfigError", "env " + name + ": " + object + " has no key " + key);
            }
            return value;
        }
        throw new NotRunnable("CreateContainerConfigError", "env " + name + ": only fieldRef, configMapKeyRef and secretKeyRef are supported here");
    }

    private static String labelOrAnnotation(Pod pod, String path) {
        Matcher m = Pattern.compile("metadata\\.(labels|annotations)\\['(.+)'\\]").matcher(path);
        if (!m.matches()) {
            return null;
        }
        Map<String, String> values = "labels".equals(m.group(1)) ? pod.getMetadata().getLabels() : pod.getMetadata().getAnnotations();
        return values == null ? null : values.get(m.group(2));
    }

    /** Kubernetes' {@code $(VAR)} expansion: a known variable is replaced, an unknown one left as written. */
    static String expand(String text, Map<String, String> env) {
        Matcher m = REFERENCE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = env.get(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(value != null ? value : m.group()));
        }
        m.appendTail(out);
        return out.toString();
    }
}
