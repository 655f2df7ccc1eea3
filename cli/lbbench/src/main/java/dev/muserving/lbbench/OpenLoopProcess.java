package dev.muserving.lbbench;

import dev.muserving.dataplane.ChildProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * {@link NettyOpenLoop} in a process of its own on the load generator's CPUs, kept up for every
 * fixed-rate run of lb-bench ({@code --load-generator netty}).
 */
final class OpenLoopProcess implements FixedRateGenerator {

    private static final Duration POLL = Duration.ofMillis(20);

    private final Process process;
    private final Writer commands;
    private final BufferedReader answers;
    private final Path dir;
    private int runs;

    OpenLoopProcess(CpuPinning pinning, Path dir) throws IOException {
        this.dir = dir;
        List<String> command = pinning.load(ChildProcess.javaCommand(NettyOpenLoop.class.getName(), LbBench.BENCH_JVM));
        // it dies with the thread that starts it, lb-bench's own, and so with lb-bench however that ends
        this.process = new ProcessBuilder(ChildProcess.withParentDeathSignal("KILL", command))
                .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("open-loop.log").toFile())).start();
        this.commands = process.outputWriter(StandardCharsets.UTF_8);
        this.answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        try {
            expect(NettyOpenLoop.READY);
        } catch (IOException e) {
            process.destroy(); // started but not ready: nobody else will stop it
            throw e;
        }
    }

    @Override
    public LbBench.FixedRun attack(String url, double rps, Duration warmup, Duration duration) throws IOException {
        Path csv = dir.resolve("open-loop-" + (++runs) + ".csv");
        long seconds = Math.max(1, duration.toSeconds()) + warmup.toSeconds();
        // the same cap on connections as vegeta's, so both generators meet a target that falls behind alike
        commands.write(String.format(Locale.ROOT, "%s %d %d %d %s%n", url, Math.max(1, Math.round(rps)), seconds, Vegeta.MAX_CONNECTIONS, csv));
        commands.flush();
        expect(NettyOpenLoop.DONE);
        return Vegeta.Results.read(csv).run(warmup);
    }

    /**
     * Waits for the generator's line without blocking in {@code readLine}, which an interrupt does
     * not wake: a Ctrl-C during a fixed-rate run waited out lb-bench's whole stop grace, and the
     * generator went on sending after lb-bench had gone (found by an outside probe).
     */
    private void expect(String line) throws IOException {
        while (!answers.ready() && process.isAlive()) {
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while the open-loop generator ran", e);
            }
        }
        String got = answers.readLine();
        if (!line.equals(got)) {
            throw new IOException("the open-loop generator said " + (got == null ? "nothing (it exited)" : "'" + got + "'") + " instead of '"
                    + line + "'; see " + dir.resolve("open-loop.log"));
        }
    }

    @Override
    public void close() {
        try {
            commands.close();
        } catch (IOException e) {
            // it is being stopped anyway
        }
        process.destroy();
    }
}
