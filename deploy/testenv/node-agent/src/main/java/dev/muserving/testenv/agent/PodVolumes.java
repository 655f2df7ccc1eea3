package dev.muserving.testenv.agent;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.DownwardAPIVolumeFile;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccountTokenProjection;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pod's volumes as kubelet makes them: a directory each under the agent's state dir, which the
 * containers get bind-mounted at their mount paths. emptyDir, configMap, secret, downwardAPI and
 * projected are made, the last with the service-account token (a TokenRequest bound to the pod, as
 * the volume the API server's admission adds to every pod asks), so that in-cluster clients find
 * {@code /var/run/secrets/kubernetes.io/serviceaccount} as on a node. Other kinds leave the container
 * waiting, naming the kind. Files are written once per container start, not refreshed.
 */
final class PodVolumes {

    /** A volume is not ready yet (its ConfigMap does not exist): the container start is tried again. */
    static final class NotReady extends Exception {
        private static final long serialVersionUID = 1L;

        NotReady(String message) {
            super(message);
        }
    }

    /** @param source the volume's directory (or a file in it, for a subPath) */
    record Mount(Path source, String target, boolean readOnly) {}

    private static final int DEFAULT_MODE = 0644;
    private static final long TOKEN_SECONDS = 3607; // what the admission-added volume asks for

    private final KubernetesClient client;
    private final Path root;

    PodVolumes(KubernetesClient client, Path root) {
        this.client = client;
        this.root = root;
    }

    /** Makes (or remakes) every volume of the pod; the directory of each by volume name. */
    Map<String, Path> make(Pod pod) throws NotReady, ContainerLaunch.NotRunnable {
        Map<String, Path> made = new LinkedHashMap<>();
        if (pod.getSpec().getVolumes() == null) {
            return made;
        }
        Path podRoot = root.resolve(pod.getMetadata().getUid());
        for (Volume volume : pod.getSpec().getVolumes()) {
            Path dir = podRoot.resolve(volume.getName());
            try {
                if (volume.getEmptyDir() != null) {
                    Files.createDirectories(dir);
                    // kubelet makes emptyDir world-writable, so any user the pod runs as can use it
                    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
                } else {
                    Map<String, FileContent> files = new LinkedHashMap<>();
                    collect(pod, volume, files);
                    writeAll(dir, files);
                }
            } catch (IOException e) {
                throw new NotReady("volume " + volume.getName() + ": " + e.getMessage());
            }
            made.put(volume.getName(), dir);
        }
        return made;
    }

    /**
     * The container's mounts in the order they can be made: one whose target hides the agent's
     * volume directories (an emptyDir at /tmp while the state dir is under /tmp) comes last, after
     * the sources it would hide are mounted.
     */
    List<Mount> mounts(Container container, Map<String, Path> volumes) throws ContainerLaunch.NotRunnable {
        List<Mount> mounts = new ArrayList<>();
        if (container.getVolumeMounts() == null) {
            return mounts;
        }
        for (VolumeMount mount : container.getVolumeMounts()) {
            Path dir = volumes.get(mount.getName());
            if (dir == null) {
                throw new ContainerLaunch.NotRunnable("CreateContainerConfigError", "volumeMount " + mount.getName() + ": no volume of that name");
            }
            Path source = mount.getSubPath() == null || mount.getSubPath().isEmpty() ? dir : dir.resolve(mount.getSubPath());
            mounts.add(new Mount(source, mount.getMountPath(), Boolean.TRUE.equals(mount.getReadOnly())));
        }
        mounts.sort(Comparator.comparing(m -> root.toAbsolutePath().startsWith(Path.of(m.target()))));
        return mounts;
    }

    void remove(String podUid) {
        Path dir = root.resolve(podUid);
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            NodeAgent.log("volumes of " + podUid + " not removed: " + e.getMessage());
        }
    }

    private record FileContent(byte[] bytes, int mode) {}

    private void collect(Pod pod, Volume volume, Map<String, FileContent> files) throws NotReady, ContainerLaunch.NotRunnable {
        String namespace = pod.getMetadata().getNamespace();
        if (volume.getConfigMap() != null) {
            var source = volume.getConfigMap();
            configMap(namespace, source.getName(), source.getItems(), source.getOptional(), mode(source.getDefaultMode()), files);
        } else if (volume.getSecret() != null) {
            var source = volume.getSecret();
            secret(namespace, source.getSecretName(), source.getItems(), source.getOptional(), mode(source.getDefaultMode()), files);
        } else if (volume.getDownwardAPI() != null) {
            downward(pod, volume.getDownwardAPI().getItems(), mode(volume.getDownwardAPI().getDefaultMode()), files);
        } else if (volume.getProjected() != null) {
            int mode = mode(volume.getProjected().getDefaultMode());
            for (VolumeProjection source : volume.getProjected().getSources()) {
                if (source.getServiceAccountToken() != null) {
                    ServiceAccountTokenProjection token = source.getServiceAccountToken();
                    files.put(token.getPath(), new FileContent(token(pod, token).getBytes(StandardCharsets.UTF_8), mode));
                } else if (source.getConfigMap() != null) {
                    var cm = source.getConfigMap();
                    configMap(namespace, cm.getName(), cm.getItems(), cm.getOptional(), mode, files);
                } else if (source.getSecret() != null) {
                    var secret = source.getSecret();
                    secret(namespace, secret.getName(), secret.getItems(), secret.getOptional(), mode, files);
                } else if (source.getDownwardAPI() != null) {
                    downward(pod, source.getDownwardAPI().getItems(), mode, files);
                } else {
                    throw new ContainerLaunch.NotRunnable("CreateContainerConfigError", "volume " + volume.getName()
                            + ": only serviceAccountToken, configMap, secret and downwardAPI projections are made here");
                }
            }
        } else {
            throw new ContainerLaunch.NotRunnable("CreateContainerConfigError", "volume " + volume.getName()
                    + ": only emptyDir, configMap, secret, downwardAPI and projected volumes are made here");
        }
    }

    private String token(Pod pod, ServiceAccountTokenProjection projection) throws NotReady {
        String account = pod.getSpec().getServiceAccountName() == null ? "default" : pod.getSpec().getServiceAccountName();
        TokenRequestBuilder request = new TokenRequestBuilder().withNewSpec()
                .withExpirationSeconds(projection.getExpirationSeconds() == null ? TOKEN_SECONDS : projection.getExpirationSeconds())
                .withNewBoundObjectRef().withApiVersion("v1").withKind("Pod").withName(pod.getMetadata().getName())
                .withUid(pod.getMetadata().getUid()).endBoundObjectRef()
                .endSpec();
        if (projection.getAudience() != null && !projection.getAudience().isEmpty()) {
            request.editSpec().withAudiences(projection.getAudience()).endSpec();
        }
        try {
            TokenRequest answer = client.serviceAccounts().inNamespace(pod.getMetadata().getNamespace()).withName(account)
                    .tokenRequest(request.build());
            return answer.getStatus().getToken();
        } catch (RuntimeException e) {
            throw new NotReady("no token for service account " + account + ": " + e.getMessage());
        }
    }

    private void configMap(String namespace, String name, List<KeyToPath> items, Boolean optional, int mode,
            Map<String, FileContent> files) throws NotReady {
        ConfigMap map = client.configMaps().inNamespace(namespace).withName(name).get();
        Map<String, byte[]> data = map == null ? null : bytes(map.getData(), map.getBinaryData());
        keys("configmap " + name, data, optional, items, mode, files);
    }

    private void secret(String namespace, String name, List<KeyToPath> items, Boolean optional, int mode,
            Map<String, FileContent> files) throws NotReady {
        Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
        Map<String, byte[]> data = secret == null ? null : bytes(secret.getStringData(), secret.getData());
        keys("secret " + name, data, optional, items, mode, files);
    }

    /** A ConfigMap's or Secret's keys as bytes: those given as text, and those given in base64. */
    private static Map<String, byte[]> bytes(Map<String, String> text, Map<String, String> base64) {
        Map<String, byte[]> data = new LinkedHashMap<>();
        if (base64 != null) {
            base64.forEach((k, v) -> data.put(k, Base64.getDecoder().decode(v)));
        }
        if (text != null) {
            text.forEach((k, v) -> data.put(k, v.getBytes(StandardCharsets.UTF_8)));
        }
        return data;
    }

    /** The object's keys as files (all, or the items named); a missing object is waited for unless optional. */
    private static void keys(String object, Map<String, byte[]> data, Boolean optional, List<KeyToPath> items, int mode,
            Map<String, FileContent> files) throws NotReady {
        if (data == null) {
            if (Boolean.TRUE.equals(optional)) {
                return;
            }
            throw new NotReady(object + " not found");
        }
        keys(data, items, mode, files);
    }

    private static void keys(Map<String, byte[]> data, List<KeyToPath> items, int mode, Map<String, FileContent> files) {
        if (items == null || items.isEmpty()) {
            data.forEach((key, bytes) -> files.put(key, new FileContent(bytes, mode)));
            return;
        }
        for (KeyToPath item : items) {
            byte[] bytes = data.get(item.getKey());
            if (bytes != null) {
                files.put(item.getPath(), new FileContent(bytes, item.getMode() == null ? mode : item.getMode()));
            }
        }
    }

    private static void downward(Pod pod, List<DownwardAPIVolumeFile> items, int mode, Map<String, FileContent> files)
            throws ContainerLaunch.NotRunnable {
        for (DownwardAPIVolumeFile item : items == null ? List.<DownwardAPIVolumeFile>of() : items) {
            String path = item.getFieldRef() == null ? null : item.getFieldRef().getFieldPath();
            String value = path == null ? null : switch (path) {
                case "metadata.namespace" -> pod.getMetadata().getNamespace();
                case "metadata.name" -> pod.getMetadata().getName();
                case "metadata.uid" -> pod.getMetadata().getUid();
                case "metadata.labels" -> lines(pod.getMetadata().getLabels());
                case "metadata.annotations" -> lines(pod.getMetadata().getAnnotations());
                default -> null;
            };
            if (value == null) {
                throw new ContainerLaunch.NotRunnable("CreateContainerConfigError", "downwardAPI " + item.getPath()
                        + ": only metadata namespace, name, uid, labels and annotations are made here");
            }
            files.put(item.getPath(), new FileContent(value.getBytes(StandardCharsets.UTF_8), item.getMode() == null ? mode : item.getMode()));
        }
    }

    private static String lines(Map<String, String> values) {
        StringBuilder out = new StringBuilder();
        if (values != null) {
            values.forEach((k, v) -> out.append(k).append("=\"").append(v.replace("\"", "\\\"")).append("\"\n"));
        }
        return out.toString();
    }

    private static void writeAll(Path dir, Map<String, FileContent> files) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (Map.Entry<String, FileContent> file : files.entrySet()) {
            Path target = dir.resolve(file.getKey()).normalize();
            if (!target.startsWith(dir)) {
                throw new IOException("path " + file.getKey() + " leaves the volume");
            }
            Files.createDirectories(target.getParent());
            Files.write(target, file.getValue().bytes());
            Files.setPosixFilePermissions(target, permissions(file.getValue().mode()));
        }
    }

    private static int mode(Integer mode) {
        return mode == null ? DEFAULT_MODE : mode;
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        StringBuilder text = new StringBuilder();
        String letters = "rwxrwxrwx";
        for (int bit = 8; bit >= 0; bit--) {
            text.append((mode & (1 << bit)) != 0 ? letters.charAt(8 - bit) : '-');
        }
        return PosixFilePermissions.fromString(text.toString());
    }
}
