package dev.muserving.lbbench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;

/**
 * One wrk run: totals, errors and a grid of 1,000 latency quantiles (µs) at (k + 0.5) / 10 %.
 *
 * @param errors socket errors (connect, read, write, timeout) plus non-2xx responses
 */
record WrkResult(long requests, double seconds, long errors, long maxMicros, long[] quantileMicros) {

    static final int GRID = 1_000;

    static WrkResult read(Path report) throws IOException {
        JsonNode json = new ObjectMapper().readTree(report.toFile());
        JsonNode e = json.get("errors");
        long errors = e.get("connect").asLong() + e.get("read").asLong() + e.get("write").asLong()
                + e.get("status").asLong() + e.get("timeout").asLong();
        long[] quantiles = new long[GRID];
        for (int k = 0; k < GRID; k++) {
            quantiles[k] = json.get("quantiles").get(k).asLong();
        }
        return new WrkResult(json.get("requests").asLong(), json.get("durationMicros").asLong() / 1e6, errors,
                json.get("maxMicros").asLong(), quantiles);
    }
}
