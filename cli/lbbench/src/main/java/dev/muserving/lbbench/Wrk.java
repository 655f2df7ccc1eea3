package dev.muserving.lbbench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Runs wrk against a URL and reads back its report (the Lua script writes it as JSON). */
final class Wrk {

    private final Path binary;
    private final Path script;
    private final Path dir;
    private final CpuPinning pinning;
    private int runs;

    Wrk(Path binary, Path dir, CpuPinning pinning) throws IOException {
        this.binary = binary;
        this.dir = dir;
        this.pinning = pinning;
        this.script = dir.resolve("report.lua");
        try (var in = Wrk.class.getResourceAsStream("/dev/muserving/lbbench/report.lua")) {
            if (in == null) {
                throw new IllegalStateException("report.lua is missing from the jar");
            }
            Files.write(script, in.readAllBytes());
        }
    }

    WrkResult run(String url, Duration duration, int connections, int threads) throws IOException {
        Path report = dir.resolve("wrk-" + (++runs) + ".json");
        Path log = dir.resolve("wrk-" + runs + ".log");
        long seconds = Math.max(1, duration.toSeconds());
        ProcessBuilder builder = new ProcessBuilder(pinning.load(List.of(binary.toString(), "-t" + threads, "-c" + connections,
                "-d" + seconds + "s", "--timeout", "10s", "-s", script.toString(), url)))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("MU_WRK_REPORT", report.toString());
        int exit = Tools.run(builder, seconds + 30, "wrk", log);
        if (exit != 0 || !Files.exists(report)) {
            throw new IOException("wrk failed (exit " + exit + "): " + Files.readString(log).trim());
        }
        return WrkResult.read(report);
    }
}
