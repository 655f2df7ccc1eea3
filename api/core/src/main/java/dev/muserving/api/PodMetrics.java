package dev.muserving.api;

import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * One pod's state in a metric snapshot, as the balancer last learnt it from the pod's headers.
 *
 * @param queueLength requests in the pod (running and waiting)
 * @param serviceRate requests per second the pod completes while busy
 */
public record PodMetrics(String pod, Arch arch, int queueLength, double serviceRate) {

    /**
     * The mean service rate of the pods that measured one, by architecture (an architecture none of
     * them measured is absent): what placement weighs architectures by and what Mu's autoscaler sizes
     * pods with. The one computation the simulator, {@code mu local} and the controller share.
     */
    public static Map<Arch, Double> meanServiceRates(Collection<PodMetrics> pods) {
        double[] sum = new double[Arch.values().length];
        int[] count = new int[sum.length];
        for (PodMetrics pod : pods) {
            if (pod.serviceRate() > 0) {
                sum[pod.arch().ordinal()] += pod.serviceRate();
                count[pod.arch().ordinal()]++;
            }
        }
        Map<Arch, Double> rates = new EnumMap<>(Arch.class);
        for (Arch arch : Arch.values()) {
            if (count[arch.ordinal()] > 0) {
                rates.put(arch, sum[arch.ordinal()] / count[arch.ordinal()]);
            }
        }
        return Collections.unmodifiableMap(rates);
    }
}
