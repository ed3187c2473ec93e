package dev.trellis.cli;

import dev.trellis.protocol.localapi.BackendState;
import dev.trellis.protocol.localapi.PeerStatus;
import dev.trellis.protocol.localapi.Status;
import dev.trellis.protocol.net.IpLiterals;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code trellis ip [-4|-6] [PEER]}: this node's or a peer's tunnel addresses, one per line.
 * PEER is a name (short, full DNS or hostname, any case) or one of the node's addresses.
 */
@Command(name = "ip", mixinStandardHelpOptions = true,
        description = "Print this node's or a peer's Trellis addresses.")
final class IpCommand implements Callable<Integer> {
    @ParentCommand
    Trellis parent;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Family family;

    static final class Family {
        @Option(names = "-4", description = "only the IPv4 address")
        boolean v4;

        @Option(names = "-6", description = "only the IPv6 address")
        boolean v6;
    }

    @Parameters(arity = "0..1", paramLabel = "PEER", description = "a peer's name or address (default: this node)")
    String peer;

    @Override
    public Integer call() throws Exception {
        Status st = parent.api().status();
        if (st.backendState() == BackendState.NEEDS_LOGIN) {
            throw new CliException(ExitCode.NEEDS_LOGIN, "logged out, so there are no addresses: run `trellis up`");
        }
        PeerStatus node;
        List<InetAddress> ips;
        String what;
        if (peer == null) {
            node = st.self();
            ips = st.tailscaleIps().isEmpty() && node != null ? node.tailscaleIps() : st.tailscaleIps();
            what = "this node";
            if (ips.isEmpty()) {
                throw noAddressesYet(st);
            }
        } else {
            node = find(st, peer);
            ips = node.tailscaleIps();
            what = TerminalText.oneLine(peer);
        }
        List<InetAddress> chosen = ips.stream()
                .filter(a -> family == null || (family.v4 ? a.getAddress().length == 4 : a.getAddress().length == 16))
                .toList();
        if (chosen.isEmpty()) {
            String fam = family == null ? "" : family.v4 ? "IPv4 " : "IPv6 ";
            throw new CliException(ExitCode.ERROR, what + " has no " + fam + "address");
        }
        for (InetAddress a : chosen) {
            parent.environment().out().println(IpLiterals.format(a.getAddress()));
        }
        return ExitCode.OK.code();
    }

    private static CliException noAddressesYet(Status st) {
        return switch (st.backendState()) {
            case NEEDS_MACHINE_AUTH -> new CliException(ExitCode.NEEDS_LOGIN,
                    "this node awaits approval: ask an administrator to approve it on the coordinator");
            case STOPPED, NO_STATE -> new CliException(ExitCode.STOPPED,
                    "this node has no addresses: run `trellis up`");
            default -> new CliException(ExitCode.ERROR,
                    "this node has no addresses yet (" + st.backendState().tailscaleName() + "): wait and retry");
        };
    }

    /** The one node (self or peer) that {@code query} names. */
    static PeerStatus find(Status st, String query) throws CliException {
        List<PeerStatus> nodes = new ArrayList<>();
        if (st.self() != null) {
            nodes.add(st.self());
        }
        nodes.addAll(st.peer().values());
        byte[] ip = IpLiterals.parseAddress(query);
        String suffix = NodeNames.suffix(st);
        Set<PeerStatus> hits = new LinkedHashSet<>();
        for (PeerStatus p : nodes) {
            boolean hit = ip != null
                    ? p.tailscaleIps().stream().anyMatch(a -> Arrays.equals(a.getAddress(), ip))
                    : NodeNames.matches(p, suffix, query);
            if (hit) {
                hits.add(p);
            }
        }
        String shown = TerminalText.oneLine(query);
        if (hits.isEmpty()) {
            throw new CliException(ExitCode.NOT_FOUND, "no node named '" + shown
                    + "': see `trellis status` for the names");
        }
        if (hits.size() > 1) {
            String names = hits.stream().map(p -> TerminalText.cell(String.valueOf(p.dnsNameNoDot())))
                    .reduce((a, b) -> a + ", " + b).orElse("");
            throw new CliException(ExitCode.USAGE, "'" + shown + "' names several nodes (" + names
                    + "): give a full DNS name or an address");
        }
        return hits.iterator().next();
    }
}
