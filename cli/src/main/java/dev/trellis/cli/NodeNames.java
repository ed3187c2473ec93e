package dev.trellis.cli;

import dev.trellis.protocol.localapi.PeerStatus;
import dev.trellis.protocol.localapi.Status;
import java.util.Locale;

/** The names a node goes by in output and on the command line. */
final class NodeNames {
    private NodeNames() {}

    /** The network's DNS suffix ("alice.trellis.internal"), or "" if unknown. */
    static String suffix(Status st) {
        String s = st.currentTailnet() != null ? st.currentTailnet().magicDnsSuffix() : st.magicDnsSuffix();
        return s == null ? "" : s;
    }

    /**
     * The name to show: the DNS name without the network's suffix ("server"), the full DNS name
     * if it is outside the network's domain, else the OS hostname; "-" if the node has none.
     */
    static String shortName(PeerStatus p, String suffix) {
        String dns = p.dnsNameNoDot();
        if (dns != null) {
            String lower = dns.toLowerCase(Locale.ROOT);
            String tail = "." + suffix.toLowerCase(Locale.ROOT);
            if (!suffix.isEmpty() && lower.endsWith(tail) && lower.length() > tail.length()) {
                return dns.substring(0, dns.length() - tail.length());
            }
            return dns;
        }
        return p.hostName() == null || p.hostName().isEmpty() ? "-" : p.hostName();
    }

    /** Whether {@code query} names {@code p}: its short name, DNS name or hostname, ignoring case. */
    static boolean matches(PeerStatus p, String suffix, String query) {
        String q = query.endsWith(".") ? query.substring(0, query.length() - 1) : query;
        return q.equalsIgnoreCase(shortName(p, suffix))
                || q.equalsIgnoreCase(String.valueOf(p.dnsNameNoDot()))
                || q.equalsIgnoreCase(String.valueOf(p.hostName()));
    }
}
