package dev.trellis.engine.dns;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

/**
 * {@link CommandRunner} over {@link ProcessBuilder}: no shell, stdin empty, the C locale (so
 * messages are stable), at most 64 KiB kept of each output stream (the rest is read and
 * dropped, so the child never blocks on a full pipe).
 */
final class ProcessCommandRunner implements CommandRunner {
    private static final int MAX_OUTPUT = 64 * 1024;

    @Override
    public Result run(List<String> argv, Duration timeout) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(
                new java.io.File("/dev/null")));
        Map<String, String> env = pb.environment();
        env.put("LC_ALL", "C");
        env.put("SYSTEMD_PAGER", ""); // resolvectl status would otherwise start a pager on a TTY
        Process p = pb.start();
        FutureTask<String> out = drain(p.getInputStream());
        FutureTask<String> err = drain(p.getErrorStream());
        try {
            if (!p.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                p.destroyForcibly();
                throw new IOException(argv.getFirst() + " did not finish within " + timeout.toMillis() + " ms");
            }
            return new Result(p.exitValue(), out.get(), err.get());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + argv.getFirst(), e);
        } catch (ExecutionException e) {
            throw new IOException("could not read the output of " + argv.getFirst(), e.getCause());
        }
    }

    private static FutureTask<String> drain(InputStream in) {
        FutureTask<String> task = new FutureTask<>(() -> {
            try (in) {
                byte[] kept = in.readNBytes(MAX_OUTPUT);
                in.transferTo(java.io.OutputStream.nullOutputStream());
                return new String(kept, StandardCharsets.UTF_8);
            }
        });
        Thread.ofVirtual().name("command-output").start(task);
        return task;
    }
}
