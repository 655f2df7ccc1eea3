package dev.muserving.api;

/**
 * One pod's state in a metric snapshot, as the balancer last learnt it from the pod's headers.
 *
 * @param queueLength requests in the pod (running and waiting)
 * @param serviceRate requests per second the pod completes while busy
 */
public record PodMetrics(String pod, Arch arch, int queueLength, double serviceRate) {}
