package dev.trellis.engine.uapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Runs the host's WireGuard tools for the tests tagged "root". Missing root or a missing tool
 * fails the test with the fix in the message: these tests never skip themselves.
 */
final class HostTools {
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);

    private HostTools() {}

    record Result(List<String> command, int exit, String out, String err) {
        Result ok() {
            assertThat(exit).as("%s failed: %s%s", command, out, err).isZero();
            return this;
        }
    }

    /** Fails unless we are root and every tool is on the PATH. */
    static void requireRootAnd(String... tools) throws IOException {
        Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        if (!Integer.valueOf(0).equals(uid)) {
            fail("tests tagged \"root\" need root (uid is " + uid + "); run them as root, or exclude the tag "
                    + "with TRELLIS_SKIP_ROOT_TESTS=1");
        }
        for (String tool : tools) {
            if (which(tool) == null) {
                fail(tool + " is not installed: apt-get install wireguard-tools wireguard-go iproute2");
            }
        }
    }

    static Path which(String tool) {
        String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    static Result run(String... command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("trellis-uapi-out", ".txt");
        Path err = Files.createTempFile("trellis-uapi-err", ".txt");
        try {
            Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor();
                fail(List.of(command) + " did not finish within " + COMMAND_TIMEOUT);
            }
            return new Result(List.of(command), p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Waits for {@code condition}, failing with {@code what} after {@code timeout}. */
    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    /** The host's interface names for this JVM: unique per process, at most 15 characters. */
    static String interfaceName(String prefix) {
        String name = prefix + ProcessHandle.current().pid();
        assertThat(name.length()).isLessThanOrEqualTo(15);
        return name;
    }
}
