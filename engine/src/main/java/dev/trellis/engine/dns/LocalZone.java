package dev.trellis.engine.dns;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link DnsMap} compiled for lookups: the tailnet zone and the reverse zones of the tunnel
 * ranges, for which MagicDNS is authoritative. Immutable, so {@link MagicDns} swaps it whole.
 *
 * <p>TTLs: positive answers 600 s, as Tailscale uses: tunnel addresses are stable for a node's
 * lifetime, so caching costs nothing when nodes stay, and a removed node's name lingers at most
 * ten minutes. Negative answers are cached for 60 s (SOA minimum, RFC 2308), so a node that just
 * joined is found within a minute by a resolver that asked too early.
 */
final class LocalZone {
    static final long TTL = 600;
    static final long NEGATIVE_TTL = 60;

    /** The result of a local lookup: what to answer, authoritatively. */
    record Answer(int rcode, List<DnsRecord> answers, List<DnsRecord> authorities) {}

    private final DnsName domain; // null when the map has no domain
    private final long serial;
    private final DnsName rname;
    private final Map<DnsName, List<InetAddress>> byName = new HashMap<>();
    private final Map<DnsName, DnsName> singleLabel = new HashMap<>();
    private final Set<DnsName> nonTerminals = new HashSet<>();
    private final Map<InetAddress, DnsName> reverse = new HashMap<>();

    private LocalZone(DnsName domain, long serial) {
        this.domain = domain;
        this.serial = serial;
        this.rname = domain == null ? null : hostmasterOf(domain);
    }

    /** The SOA mailbox, {@code hostmaster.<domain>}; the domain itself if that is too long. */
    private static DnsName hostmasterOf(DnsName domain) {
        DnsName hostmaster = DnsName.parse("hostmaster");
        return domain.wireLength() + hostmaster.wireLength() - 1 <= DnsName.MAX_WIRE_LENGTH
                ? hostmaster.append(domain) : domain;
    }

    static LocalZone compile(String domainText, Map<String, List<InetAddress>> hosts, long serial) {
        String d = domainText.strip();
        if (d.isEmpty() || d.equals(".")) {
            if (!hosts.isEmpty()) {
                throw new IllegalArgumentException("host names need a tailnet domain");
            }
            return new LocalZone(null, serial);
        }
        DnsName domain = DnsName.parse(d);
        LocalZone z = new LocalZone(domain, serial);
        // Sorted, so which name a shared address maps back to does not depend on map order.
        List<String> names = new ArrayList<>(hosts.keySet());
        names.sort(String.CASE_INSENSITIVE_ORDER.thenComparing(String::compareTo));
        for (String text : names) {
            DnsName given = DnsName.parse(text);
            DnsName relative = given.isSubdomainOf(domain) ? given.relativeTo(domain) : given;
            if (relative.isRoot()) {
                throw new IllegalArgumentException("host name '" + text + "' is the tailnet domain itself");
            }
            DnsName fqdn = relative.append(domain);
            if (z.byName.putIfAbsent(fqdn, hosts.get(text)) != null) {
                throw new IllegalArgumentException("host " + fqdn + " is listed twice");
            }
            if (relative.labelCount() == 1) {
                z.singleLabel.put(relative, fqdn);
            }
            for (DnsName n = parentOf(fqdn); n != null && !n.equals(domain); n = parentOf(n)) {
                z.nonTerminals.add(n);
            }
            for (InetAddress a : hosts.get(text)) {
                z.reverse.putIfAbsent(a, fqdn);
            }
        }
        return z;
    }

    private static DnsName parentOf(DnsName n) {
        List<byte[]> labels = n.labels();
        return labels.isEmpty() ? null : DnsName.ofLabels(labels.subList(1, labels.size()));
    }

    /** The local answer, or empty if the question is not ours and must be forwarded. */
    Optional<Answer> answer(DnsQuestion q) {
        if (domain == null) {
            return Optional.empty();
        }
        DnsName name = q.name();
        List<InetAddress> host = byName.get(name);
        if (host == null && name.labelCount() == 1) {
            DnsName fqdn = singleLabel.get(name);
            if (fqdn != null && !isAddressQuestion(q)) {
                // A short name is a convenience for addresses; it must not shadow a top-level
                // domain of the same name for other types (a node called "com" and "com. NS").
                return Optional.empty();
            }
            host = fqdn == null ? null : byName.get(fqdn);
        }
        if (host != null) {
            if (!classOk(q)) {
                return refused();
            }
            List<DnsRecord> rrs = addressRecords(q, host);
            return Optional.of(rrs.isEmpty() ? negative(DnsRcode.NOERROR, domain) : positive(rrs));
        }
        if (name.isSubdomainOf(domain)) {
            if (!classOk(q)) {
                return refused();
            }
            if (name.equals(domain) && (q.type() == DnsType.SOA || q.type() == DnsType.ANY)) {
                return Optional.of(positive(List.of(soa(name, TTL))));
            }
            boolean exists = name.equals(domain) || nonTerminals.contains(name);
            return Optional.of(negative(exists ? DnsRcode.NOERROR : DnsRcode.NXDOMAIN, domain));
        }
        return ReverseNames.parse(name).flatMap(address -> reverseAnswer(q, address));
    }

    private Optional<Answer> reverseAnswer(DnsQuestion q, InetAddress address) {
        DnsName target = reverse.get(address);
        if (target == null && !ReverseNames.isTunnelAddress(address)) {
            return Optional.empty(); // someone else's address: their reverse zone
        }
        if (!classOk(q)) {
            return refused();
        }
        DnsName zone = ReverseNames.isTunnelAddress(address) ? ReverseNames.zoneOf(address)
                : ReverseNames.of(address);
        if (target == null) {
            return Optional.of(negative(DnsRcode.NXDOMAIN, zone));
        }
        if (q.type() != DnsType.PTR && q.type() != DnsType.ANY) {
            return Optional.of(negative(DnsRcode.NOERROR, zone));
        }
        return Optional.of(positive(List.of(DnsRecord.ptr(q.name(), TTL, target))));
    }

    private static boolean isAddressQuestion(DnsQuestion q) {
        return classOk(q) && (q.type() == DnsType.A || q.type() == DnsType.AAAA || q.type() == DnsType.ANY);
    }

    private static boolean classOk(DnsQuestion q) {
        return q.dnsClass() == DnsType.CLASS_IN || q.dnsClass() == DnsType.CLASS_ANY;
    }

    private static List<DnsRecord> addressRecords(DnsQuestion q, List<InetAddress> addresses) {
        boolean any = q.type() == DnsType.ANY;
        List<DnsRecord> out = new ArrayList<>();
        for (InetAddress a : addresses) {
            if (a instanceof Inet4Address v4 && (any || q.type() == DnsType.A)) {
                out.add(DnsRecord.a(q.name(), TTL, v4));
            } else if (a instanceof Inet6Address v6 && (any || q.type() == DnsType.AAAA)) {
                out.add(DnsRecord.aaaa(q.name(), TTL, v6));
            }
        }
        return out;
    }

    private static Answer positive(List<DnsRecord> answers) {
        return new Answer(DnsRcode.NOERROR, answers, List.of());
    }

    private Answer negative(int rcode, DnsName zone) {
        return new Answer(rcode, List.of(), List.of(soa(zone, NEGATIVE_TTL)));
    }

    private static Optional<Answer> refused() {
        return Optional.of(new Answer(DnsRcode.REFUSED, List.of(), List.of()));
    }

    private DnsRecord soa(DnsName owner, long ttl) {
        return DnsRecord.soa(owner, ttl, domain, rname, serial & 0xffff_ffffL, 3600, 600, 86_400, NEGATIVE_TTL);
    }

    long serial() {
        return serial;
    }
}
