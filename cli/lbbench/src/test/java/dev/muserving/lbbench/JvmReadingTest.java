package dev.muserving.lbbench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.muserving.dataplane.JvmMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JvmReadingTest {

    @Test
    void readsAllocationEdenAndPausesFromAnExposition() {
        String exposition = """
                # HELP mu_jvm_threads_allocated_bytes Bytes the threads alive now have allocated over their lives
                # TYPE mu_jvm_threads_allocated_bytes gauge
                mu_jvm_threads_allocated_bytes 1250000.0
                jvm_gc_memory_allocated_bytes_total 1000000.0
                jvm_memory_used_bytes{area="heap",id="PS Eden Space"} 250000.0
                jvm_gc_pause_seconds_count{action="end of minor GC",cause="Allocation Failure",gc="PS Scavenge"} 7
                jvm_gc_pause_seconds_sum{action="end of minor GC",cause="Allocation Failure",gc="PS Scavenge"} 0.007
                jvm_gc_pause_seconds_count{action="end of major GC",cause="Ergonomics",gc="PS MarkSweep"} 1
                jvm_gc_pause_seconds_sum{action="end of major GC",cause="Ergonomics",gc="PS MarkSweep"} 0.02
                jvm_gc_pause_seconds_max{action="end of major GC",cause="Ergonomics",gc="PS MarkSweep"} 0.02
                mu_activator_requests_total{code="200"} 5.0
                """;
        JvmReading reading = JvmReading.parse(exposition).orElseThrow();
        assertThat(reading.allocatedBytes()).as("the threads' count, not Micrometer's, which lags the collections").isEqualTo(1_250_000);
        assertThat(reading.gcPauses()).isEqualTo(8);
        assertThat(reading.gcPauseSeconds()).isCloseTo(0.027, within(1e-12));
    }

    @Test
    void aProcessWithoutTheJvmsMetersHasNoReading() {
        assertThat(JvmReading.parse("mu_activator_requests_total{code=\"200\"} 5.0\njvm_gc_memory_allocated_bytes_total 1.0\n")).isEmpty();
        assertThat(JvmReading.parse("")).isEmpty();
    }

    @Test
    void twoReadingsOfALiveJvmCountWhatWasAllocatedBetweenThem() {
        PrometheusMeterRegistry registry = JvmMetrics.bindTo(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        JvmReading before = JvmReading.parse(registry.scrape()).orElseThrow();
        List<byte[]> kept = new ArrayList<>();
        long allocated = 0;
        for (int i = 0; i < 64 * 1024; i++) { // 64 MiB in 1 KiB arrays: more than one young collection on a small heap
            kept.add(new byte[1024]);
            allocated += 1024;
            if (kept.size() == 1024) {
                kept.clear();
            }
        }
        JvmReading used = JvmReading.parse(registry.scrape()).orElseThrow().minus(before);
        assertThat(used.allocatedBytes()).as("at least what this test allocated (other threads add theirs)").isGreaterThanOrEqualTo(allocated);
        registry.close();
    }
}
