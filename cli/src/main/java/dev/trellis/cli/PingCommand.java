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
 * {@code trellis ping [-c N] [--icmp] [--until-direct=BOOL] PEER}: pings a peer and prints one
 * line per pong with the path it took ({@code via relay <region>} or {@code via ip:port}) and
 * its time. By default it sends disco pings, which test the peer's paths themselves and stop
 * once one came back direct (as Tailscale's); {@code --icmp} pings through the tunnel instead,
 * through the peer's packet filter. PEER is a name (short or full DNS name, any case) or an
 * address. Exits 0 once any reply came, 1 when none did.
 */
@Command(name = "ping", mixinStandardHelpOptions = true,
        description = "Ping a peer and show each pong's path (relay or direct); stops once direct.")
final class PingCommand implements Callable<Integer> {
    @ParentCommand
    Trellis parent;

    @Option(names = {"-c", "--count"}, paramLabel = "N", defaultValue = "10",
            description = "at most this many pings (default: ${DEFAULT-VALUE})")
    int count;

    @Option(names = "--icmp", description = "ping through the tunnel (ICMP echo, subject to the ACL) instead of the paths")
    boolean icmp;

    @Option(names = "--until-direct", arity = "0..1", fallbackValue = "true", defaultValue = "true",
            paramLabel = "BOOL", description = "stop once a pong came over a direct path (default: true; disco only)")
    boolean untilDirect;

    @Option(names = {"-i", "--interval"}, paramLabel = "DURATION", defaultValue = "1s",
            converter = GoDuration.Converter.class, description = "wait between pings (default: ${DEFAULT-VALUE})")
    java.time.Duration interval;

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
        boolean sawDirect = false;
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                Thread.sleep(interval.toMillis()); // the pace the user asked for, as ping(8) -i
            }
            PingResult r = parent.api().ping(ip, icmp ? "ICMP" : "disco");
            if (r.err() != null && !r.err().isEmpty()) {
                out.println("ping to " + name + " (" + ip + "): " + TerminalText.oneLine(r.err()));
                out.flush();
                continue;
            }
            pongs++;
            out.println("pong from " + name + " (" + ip + ") " + path(r) + " in " + millis(r.latencySeconds()));
            out.flush();
            boolean direct = r.endpoint() != null && !r.endpoint().isEmpty();
            sawDirect |= direct || r.isLocalIp();
            if (!icmp && untilDirect && (direct || r.isLocalIp())) {
                break;
            }
        }
        if (!icmp && untilDirect && pongs > 0 && !sawDirect) {
            // Tailscale fails here; the peer is reachable, so this only says how
            out.println("direct connection not established: " + name + " is reached through a relay"
                    + " (`trellis status` says why)");
            out.flush();
        }
        if (pongs == 0) {
            throw new CliException(ExitCode.ERROR, "no reply from " + name + " (" + ip + "): it may be offline"
                    + (icmp ? ", or the ACL policy may not let ICMP reach it (see `trellis whois " + ip + "`)"
                            : " (see `trellis status` for its path)"));
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
