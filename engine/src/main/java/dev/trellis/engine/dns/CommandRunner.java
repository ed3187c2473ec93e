package dev.trellis.engine.dns;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * Runs an external program: the seam between {@link ResolvedManager} and {@code resolvectl}
 * or {@code busctl}, so tests can check the exact command lines without the programs.
 */
public interface CommandRunner {
    /** How a command ended; output is captured up to a bound and decoded as UTF-8. */
    record Result(int exitCode, String stdout, String stderr) {}

    /**
     * Runs {@code argv} (no shell) and waits for it at most {@code timeout}.
     *
     * @throws IOException if it could not be started or did not finish in time (then it is killed)
     */
    Result run(List<String> argv, Duration timeout) throws IOException;

    /** Runs real processes. */
    static CommandRunner system() {
        return new ProcessCommandRunner();
    }
}
