package dev.trellis.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * {@code trellis metrics}: the daemon's data-plane counters in Prometheus text format, e.g.
 * packets the ACL filter dropped, per reason, and accepted, per rule.
 */
@Command(name = "metrics", mixinStandardHelpOptions = true,
        description = "Print this node's counters (Prometheus text): filter drops per reason, accepts per rule, WireGuard.")
final class MetricsCommand implements Callable<Integer> {
    @ParentCommand
    Trellis parent;

    @Override
    public Integer call() throws Exception {
        parent.environment().out().print(parent.api().metrics());
        return ExitCode.OK.code();
    }
}
