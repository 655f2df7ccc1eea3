package dev.muserving.dataplane.queueproxy;

import dev.muserving.dataplane.JvmMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/** The queue-proxy's Prometheus metrics (names in docs/dataplane.md), tagged with its pod and architecture. */
final class QueueProxyMetrics {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<Integer, Counter> requestsByCode = new ConcurrentHashMap<>();
    private final Timer requestDuration;
    private final Timer serviceTime;
    private final Counter rejected;

    QueueProxyMetrics(QueueProxyConfig config, IntSupplier running, IntSupplier inPod, ServiceRateGauge serviceRate) {
        registry.config().commonTags(Tags.of("pod", config.podName(), "arch", config.arch().label()));
        requestDuration = Timer.builder("mu.queue.proxy.request.duration")
                .description("Time from arrival at the queue-proxy to the response, waiting included")
                .publishPercentileHistogram()
                .maximumExpectedValue(Duration.ofMinutes(5))
                .register(registry);
        serviceTime = Timer.builder("mu.queue.proxy.service.time")
                .description("Time in the user container, until its response headers")
                .publishPercentileHistogram()
                .maximumExpectedValue(Duration.ofMinutes(5))
                .register(registry);
        rejected = Counter.builder("mu.queue.proxy.rejected")
                .description("Requests answered 503 because the queue was full")
                .register(registry);
        Gauge.builder("mu.queue.proxy.queue.length", inPod::getAsInt)
                .description("Requests in the pod, running and waiting")
                .register(registry);
        Gauge.builder("mu.queue.proxy.running", running::getAsInt)
                .description("Requests the user container is serving")
                .register(registry);
        Gauge.builder("mu.queue.proxy.service.rate", serviceRate::rate)
                .description("Requests per second the pod completes while busy (the Mu-Service-Rate header)")
                .register(registry);
        Gauge.builder("mu.queue.proxy.container.concurrency", config::containerConcurrency)
                .description("The containerConcurrency limit, 0 for none")
                .register(registry);
    }

    /** Reads the current service rate on the scraping thread. */
    @FunctionalInterface
    interface ServiceRateGauge {
        double rate();
    }

    void completed(int status, long totalNanos, long serviceNanos) {
        requestsByCode.computeIfAbsent(status, code -> Counter.builder("mu.queue.proxy.requests")
                .description("Requests answered, by HTTP status")
                .tag("code", Integer.toString(code))
                .register(registry)).increment();
        requestDuration.record(Duration.ofNanos(totalNanos));
        if (serviceNanos >= 0) {
            serviceTime.record(Duration.ofNanos(serviceNanos));
        }
    }

    void rejected() {
        rejected.increment();
    }

    /** Adds the JVM's meters: for a queue-proxy that is a process of its own, not one of many in {@code mu local}. */
    void bindJvmMetrics() {
        JvmMetrics.bindTo(registry);
    }

    String scrape() {
        return registry.scrape();
    }
}
