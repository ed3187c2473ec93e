package dev.trellis.cli;

import dev.trellis.protocol.localapi.PeerStatus;
import dev.trellis.protocol.localapi.PingResult;
import dev.trellis.protocol.localapi.Status;
import dev.trellis.protocol.net.IpLiterals;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code trellis ping [-c N] PEER}: pings a peer through the tunnel and prints one line per
 * reply with the path it took. PEER is a name (short or full DNS name, any case) or an address.
 * Exits 0 once any reply came, 1 when none did.
 */
@Command(name = "ping", mixinStandardHelpOptions = true,
        description = "Ping a peer through the tunnel and show the path.")
final class PingCommand implements Callable<Integer> {
    @ParentCommand
    Trellis parent;

    @Option(names = {"-c", "--count"}, paramLabel = "N", defaultValue = "4",
            description = "how many pings to send (default: ${DEFAULT-VALUE})")
    int count;

    @Parameters(paramLabel = "PEER", description = "a peer's name or Trellis address")
    String peer;

    @Override
    public Integer call() throws Exception {
        if (count < 1 || count > 10_000) {
            throw new CliException(ExitCode.USAGE, "--count must be 1..10000, got " + count);
        }
        Status st = parent.api().status();
        StatusCommand.requireUp(st);
        PeerStatus node = IpCommand.find(st, peer);
        byte[] literal = IpLiterals.parseAddress(peer);
        InetAddress target = literal != null ? InetAddress.getByAddress(literal)
                : node.tailscaleIps().stream().filter(a -> a.getAddress().length == 4).findFirst()
                        .orElse(node.tailscaleIps().isEmpty() ? null : node.tailscaleIps().getFirst());
        if (target == null) {
            throw new CliException(ExitCode.ERROR, "'" + TerminalText.oneLine(peer) + "' has no address yet");
        }
        String ip = IpLiterals.format(target.getAddress());
        String name = node.dnsNameNoDot() == null ? ip : node.dnsNameNoDot().split("\\.", 2)[0];
        PrintWriter out = parent.environment().out();
        int pongs = 0;
        for (int i = 0; i < count; i++) {
            PingResult r = parent.api().ping(ip, "ICMP");
            if (r.err() != null && !r.err().isEmpty()) {
                out.println("ping to " + name + " (" + ip + "): " + TerminalText.oneLine(r.err()));
            } else {
                pongs++;
                out.println("pong from " + name + " (" + ip + ") " + path(r) + " in " + millis(r.latencySeconds()));
            }
            out.flush();
        }
        if (pongs == 0) {
            throw new CliException(ExitCode.ERROR, "no reply from " + name + " (" + ip
                    + "): it may be offline, or the ACL policy may not let ICMP reach it (see `trellis whois " + ip + "`)");
        }
        return ExitCode.OK.code();
    }

    private static String path(PingResult r) {
        if (r.isLocalIp()) {
            return "(this node)";
        }
        if (r.endpoint() != null && !r.endpoint().isEmpty()) {
            return "via " + r.endpoint();
        }
        if (r.derpRegionCode() != null && !r.derpRegionCode().isEmpty()) {
            return "via relay " + r.derpRegionCode();
        }
        return "via the tunnel";
    }

    private static String millis(double seconds) {
        double ms = seconds * 1000;
        return ms < 10 ? String.format(Locale.ROOT, "%.2fms", ms) : String.format(Locale.ROOT, "%.0fms", ms);
    }
}
