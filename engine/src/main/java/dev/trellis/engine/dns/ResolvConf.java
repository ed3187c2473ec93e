package dev.trellis.engine.dns;

import dev.trellis.protocol.net.IpLiterals;
import dev.trellis.protocol.net.IpPrefix;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The parts of resolv.conf(5) Trellis reads and writes: {@code nameserver}, {@code search}
 * (or {@code domain}; the last of the two wins, as in glibc) and {@code options} lines.
 * Comments start with {@code #} or {@code ;}; unknown keywords and unparsable addresses are
 * skipped, as glibc skips them. Nameserver addresses must be numeric (never resolved).
 */
record ResolvConf(List<InetAddress> nameservers, List<String> search, List<String> options) {
    /** The first line of every file we write; how {@link #isOurs} recognises them. */
    static final String MARKER = "# resolv.conf managed by Trellis (trellisd) for MagicDNS.";

    static ResolvConf parse(String text) {
        List<InetAddress> nameservers = new ArrayList<>();
        List<String> search = List.of();
        List<String> options = new ArrayList<>();
        for (String raw : text.split("\n", -1)) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            String[] f = line.split("[ \t]+");
            switch (f[0]) {
                case "nameserver" -> {
                    if (f.length >= 2) {
                        InetAddress a = address(f[1]);
                        if (a != null) {
                            nameservers.add(a);
                        }
                    }
                }
                case "search", "domain" -> search = trimComments(f);
                case "options" -> options.addAll(trimComments(f));
                default -> { }
            }
        }
        return new ResolvConf(List.copyOf(nameservers), search, List.copyOf(options));
    }

    private static List<String> trimComments(String[] f) {
        List<String> out = new ArrayList<>();
        for (int i = 1; i < f.length && !f[i].startsWith("#") && !f[i].startsWith(";"); i++) {
            out.add(f[i]);
        }
        return List.copyOf(out);
    }

    /** A numeric address, IPv6 with an optional %zone (name or index); null if unusable. */
    static InetAddress address(String text) {
        int pct = text.indexOf('%');
        String literal = pct < 0 ? text : text.substring(0, pct);
        byte[] raw;
        try {
            raw = IpPrefix.parseNumericAddress(literal);
        } catch (IllegalArgumentException e) {
            return null;
        }
        try {
            if (pct < 0) {
                return InetAddress.getByAddress(raw);
            }
            if (raw.length != 16) {
                return null;
            }
            String zone = text.substring(pct + 1);
            if (!zone.isEmpty() && zone.chars().allMatch(c -> c >= '0' && c <= '9') && zone.length() < 10) {
                return Inet6Address.getByAddress(null, raw, Integer.parseInt(zone));
            }
            NetworkInterface nif = NetworkInterface.getByName(zone);
            return nif == null ? null : Inet6Address.getByAddress(null, raw, nif);
        } catch (UnknownHostException | SocketException e) {
            return null;
        }
    }

    /** RFC 5952 text, with the zone of a scoped IPv6 address (glibc accepts {@code %zone}). */
    static String text(InetAddress a) {
        String s = IpLiterals.format(a.getAddress());
        if (a instanceof Inet6Address v6 && v6.getScopedInterface() != null) {
            return s + "%" + v6.getScopedInterface().getName();
        }
        if (a instanceof Inet6Address v6 && v6.getScopeId() != 0) {
            return s + "%" + v6.getScopeId();
        }
        return s;
    }

    static boolean isOurs(String text) {
        return text.startsWith(MARKER);
    }

    /** The nameservers as DNS upstreams on port 53, without MagicDNS's own addresses. */
    List<InetSocketAddress> upstreams() {
        List<InetSocketAddress> out = new ArrayList<>();
        for (InetAddress a : new LinkedHashSet<>(nameservers)) {
            if (!a.equals(MagicDns.SERVICE_IPV4) && !a.equals(MagicDns.SERVICE_IPV6)) {
                out.add(new InetSocketAddress(a, 53));
            }
        }
        return List.copyOf(out);
    }

    /**
     * Our file: the marker and how to restore, then {@code config}'s nameservers, its search
     * domains followed by the original's (so short names resolve as before), and the original's
     * options. glibc uses only the first 3 nameservers (MAXNS) and, before 2.26, 6 search
     * domains; both are written as given.
     */
    static String render(OsDnsConfig config, ResolvConf original, String backupHint) {
        StringBuilder sb = new StringBuilder();
        sb.append(MARKER).append('\n');
        sb.append("# Edits are overwritten while trellisd runs. The original is restored when it stops;\n");
        sb.append("# ").append(backupHint).append('\n');
        for (InetAddress a : config.nameservers()) {
            sb.append("nameserver ").append(text(a)).append('\n');
        }
        LinkedHashSet<String> search = new LinkedHashSet<>(config.searchDomains());
        search.addAll(original.search());
        if (!search.isEmpty()) {
            sb.append("search ").append(String.join(" ", search)).append('\n');
        }
        if (!original.options().isEmpty()) {
            sb.append("options ").append(String.join(" ", original.options())).append('\n');
        }
        return sb.toString();
    }
}
