package dev.trellis.tun;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs iproute2's {@code ip} in root tests, only to check what the code under test did (and to
 * clean up after it); the code itself never runs commands.
 */
final class IpCommand {

    record Result(int exit, String out, String err) {
    }

    private IpCommand() {
    }

    static Result run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + cmd);
        }
        return new Result(p.exitValue(),
                new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    /** {@code ip -j ARGS} parsed: a list of objects. Fails if ip fails. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> json(String... args) throws IOException, InterruptedException {
        String[] full = new String[args.length + 1];
        full[0] = "-j";
        System.arraycopy(args, 0, full, 1, args.length);
        Result r = run(full);
        if (r.exit() != 0) {
            throw new IOException("ip " + String.join(" ", full) + " failed: " + r.err());
        }
        String out = r.out().strip();
        return out.isEmpty() ? List.of() : (List<Map<String, Object>>) MiniJson.parse(out);
    }

    static boolean linkExists(String name) throws IOException, InterruptedException {
        return run("link", "show", "dev", name).exit() == 0;
    }

    /** Deletes {@code name} if it exists; for cleanup after a failed test. */
    static void deleteLinkIfPresent(String name) throws IOException, InterruptedException {
        if (linkExists(name)) {
            run("link", "del", "dev", name);
        }
    }
}
