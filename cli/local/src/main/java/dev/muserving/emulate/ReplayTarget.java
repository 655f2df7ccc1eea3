package dev.muserving.emulate;

import dev.muserving.api.Arch;
import dev.muserving.api.FunctionKey;
import java.net.URI;
import java.util.Map;

/**
 * A running system a scenario is replayed against in real time: {@code mu local} on this machine,
 * or Mu on a Kubernetes cluster. It tells where a function's requests go and what its pods are.
 */
public interface ReplayTarget {

    /** Where to send one request of {@code function}. */
    URI endpoint(FunctionKey function);

    /** Each function's pods now; a function not there yet is left out. */
    Map<FunctionKey, Pods> pods();

    /** Pods of {@code function} started since the target began, ready or not. */
    long podsStarted(FunctionKey function);

    /**
     * @param ready ready pods per architecture
     * @param starting pods created and not ready yet
     * @param desired the replicas the autoscaler asks for
     */
    record Pods(Map<Arch, Integer> ready, int starting, int desired) {
        public int readyTotal() {
            return ready.values().stream().mapToInt(Integer::intValue).sum();
        }
    }
}
