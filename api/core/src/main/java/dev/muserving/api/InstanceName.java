package dev.muserving.api;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Optional;

/**
 * What an instance of a Mu component calls itself (in a Lease, on Events, on the metric stream):
 * the pod name in a cluster ({@code POD_NAME} from the downward API; a restarted container keeps
 * it), else host name and process id, so that two instances on one machine never share a name.
 */
public final class InstanceName {

    private InstanceName() {}

    public static String of(Map<String, String> env, String component) {
        return Optional.ofNullable(env.get("POD_NAME")).filter(name -> !name.isBlank()).orElseGet(() -> {
            try {
                return InetAddress.getLocalHost().getHostName() + "_" + ProcessHandle.current().pid();
            } catch (UnknownHostException e) {
                return component + "_" + ProcessHandle.current().pid();
            }
        });
    }
}
