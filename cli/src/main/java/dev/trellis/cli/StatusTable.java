package dev.trellis.cli;

import dev.trellis.protocol.localapi.PeerStatus;
import dev.trellis.protocol.localapi.Status;
import dev.trellis.protocol.localapi.UserProfile;
import dev.trellis.protocol.net.IpLiterals;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The human form of a {@link Status}: this node first, then its peers by name, one row each,
 * then health warnings as comment lines. Every cell is sanitized: names come from other nodes.
 */
final class StatusTable {
    static final List<String> HEADER = List.of(
            "NAME", "ADDRESSES", "USER", "OS", "STATE", "HANDSHAKE", "RX", "TX", "CONNECTION");

    private StatusTable() {}

    static String render(Status st, Instant now) {
        String suffix = NodeNames.suffix(st);
        List<List<String>> rows = new ArrayList<>();
        rows.add(HEADER);
        if (st.self() != null) {
            PeerStatus self = st.self();
            List<InetAddress> ips = self.tailscaleIps().isEmpty() ? st.tailscaleIps() : self.tailscaleIps();
            rows.add(List.of(TerminalText.cell(NodeNames.shortName(self, suffix)), addresses(ips),
                    user(st, self), TerminalText.cell(self.os()), self.online() ? "online" : "offline",
                    "-", "-", "-", "this node"));
        }
        st.peer().values().stream()
                .sorted(Comparator.comparing((PeerStatus p) -> NodeNames.shortName(p, suffix))
                        .thenComparing(p -> String.valueOf(p.publicKey())))
                .forEach(p -> rows.add(List.of(
                        TerminalText.cell(NodeNames.shortName(p, suffix)),
                        addresses(p.tailscaleIps()),
                        user(st, p),
                        TerminalText.cell(p.os()),
                        p.expired() ? "expired" : p.online() ? "online" : "offline",
                        HumanUnits.ago(p.lastHandshake(), now),
                        HumanUnits.bytes(p.rxBytes()),
                        HumanUnits.bytes(p.txBytes()),
                        connection(p))));
        StringBuilder out = new StringBuilder();
        appendAligned(rows, out);
        List<String> reasons = st.peer().values().stream()
                .filter(p -> p.relayReason() != null && !p.relayReason().isEmpty() && p.online()
                        && (p.curAddr() == null || p.curAddr().isEmpty()))
                .sorted(Comparator.comparing((PeerStatus p) -> NodeNames.shortName(p, suffix)))
                .map(p -> NodeNames.shortName(p, suffix) + " is relayed: " + p.relayReason())
                .toList();
        if (!reasons.isEmpty()) {
            out.append("\n# Why relayed:\n");
            for (String r : reasons) {
                out.append("#   - ").append(TerminalText.oneLine(r)).append('\n');
            }
        }
        if (!st.health().isEmpty()) {
            out.append("\n# Health:\n");
            for (String h : st.health()) {
                out.append("#   - ").append(TerminalText.oneLine(h)).append('\n');
            }
        }
        return out.toString();
    }

    private static String addresses(List<InetAddress> ips) {
        if (ips.isEmpty()) {
            return "-";
        }
        return ips.stream().map(a -> IpLiterals.format(a.getAddress())).collect(Collectors.joining(", "));
    }

    private static String user(Status st, PeerStatus p) {
        UserProfile u = st.user().get(p.userId());
        return TerminalText.cell(u == null ? null : u.loginName());
    }

    private static String connection(PeerStatus p) {
        if (p.curAddr() != null && !p.curAddr().isEmpty()) {
            return TerminalText.cell("direct " + p.curAddr()
                    + (p.latencySeconds() > 0 ? String.format(java.util.Locale.ROOT, ", %.1f ms", p.latencySeconds() * 1000) : ""));
        }
        if (p.relay() != null && !p.relay().isEmpty()) {
            return TerminalText.cell("relay " + p.relay());
        }
        return "-";
    }

    private static void appendAligned(List<List<String>> rows, StringBuilder out) {
        int cols = HEADER.size();
        int[] width = new int[cols];
        for (List<String> r : rows) {
            for (int i = 0; i < cols; i++) {
                width[i] = Math.max(width[i], r.get(i).length());
            }
        }
        for (List<String> r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < cols; i++) {
                line.append(r.get(i));
                if (i < cols - 1) {
                    line.append(" ".repeat(width[i] - r.get(i).length() + 2));
                }
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
    }
}
