package dev.trellis.cli;

import dev.trellis.protocol.localapi.NetcheckReport;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code trellis netcheck [--json]}: what this node's network allows, measured by the daemon
 * from its own WireGuard socket against the relays the coordinator names: UDP at all, the
 * public addresses STUN saw, whether the NAT maps per destination, latency to each relay
 * region, and the nearest (home) region.
 */
@Command(name = "netcheck", mixinStandardHelpOptions = true,
        description = "Check this node's network: UDP, public addresses, NAT behaviour, relay latencies.")
final class NetcheckCommand implements Callable<Integer> {
    @ParentCommand
    Trellis parent;

    @Option(names = "--json", description = "print the report as JSON")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = parent.environment().out();
        if (json) {
            out.println(parent.api().netcheckJson());
            return ExitCode.OK.code();
        }
        NetcheckReport r = parent.api().netcheck();
        out.println("Report:");
        for (String line : r.summary()) {
            out.println("\t* " + TerminalText.oneLine(line));
        }
        return ExitCode.OK.code();
    }
}
