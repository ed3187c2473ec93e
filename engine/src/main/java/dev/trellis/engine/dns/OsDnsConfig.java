package dev.trellis.engine.dns;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * What the OS resolver should use while Trellis is up: {@code nameservers} (normally
 * {@link MagicDns#SERVICE_IPV4}), {@code searchDomains} appended to short names, and
 * {@code matchDomains}: the names whose queries must reach the nameservers, on systems that
 * route queries by domain (systemd-resolved); {@code .} means all names. Domains are kept
 * without a trailing dot, deduplicated, in order.
 *
 * @throws IllegalArgumentException for an invalid domain or an empty nameserver list
 */
public record OsDnsConfig(List<InetAddress> nameservers, List<String> searchDomains, List<String> matchDomains) {
    public OsDnsConfig {
        nameservers = List.copyOf(new LinkedHashSet<>(nameservers));
        if (nameservers.isEmpty()) {
            throw new IllegalArgumentException("an OS DNS config needs at least one nameserver");
        }
        searchDomains = normalize(searchDomains, "search");
        matchDomains = normalize(matchDomains, "match");
        if (searchDomains.contains(".")) {
            throw new IllegalArgumentException("the root cannot be a search domain");
        }
    }

    /** MagicDNS for a tailnet domain: our nameserver, the domain searched and routed to us. */
    public static OsDnsConfig magicDns(String tailnetDomain) {
        return new OsDnsConfig(List.of(MagicDns.SERVICE_IPV4), List.of(tailnetDomain), List.of(tailnetDomain));
    }

    private static List<String> normalize(List<String> domains, String what) {
        Objects.requireNonNull(domains, what + " domains");
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (String d : domains) {
            String s = Objects.requireNonNull(d, what + " domain").strip();
            if (s.equals(".") || s.equals("~.")) {
                out.add(".");
                continue;
            }
            DnsName name;
            try {
                name = DnsName.parse(s);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid " + what + " domain '" + d + "': " + e.getMessage());
            }
            String text = name.toString();
            // resolv.conf and resolvectl are whitespace-separated: a name with spaces cannot be written there.
            if (text.chars().anyMatch(c -> c <= ' ' || c == '\\')) {
                throw new IllegalArgumentException("invalid " + what + " domain '" + d + "': not a plain host name");
            }
            out.add(text.substring(0, text.length() - 1).toLowerCase(java.util.Locale.ROOT));
        }
        return List.copyOf(new ArrayList<>(out));
    }
}
