package dev.trellis.engine.dns;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What MagicDNS answers for, as one immutable snapshot: the tailnet domain (for example
 * {@code alice.trellis.net} or {@code trellis.internal}; empty when MagicDNS names are off) and
 * each visible node's addresses by name. A host name is either relative to the domain
 * ({@code laptop}) or already ends in it ({@code laptop.trellis.internal}); both forms mean
 * the same host. A single-label host answers both to {@code laptop.} and to
 * {@code laptop.<domain>.}. Host names are compared ignoring ASCII case.
 *
 * <p>Validated on construction: an invalid domain or host name, a host equal to the domain,
 * the same host twice (in any case or form), or hosts without a domain throw
 * {@link IllegalArgumentException}.
 */
public record DnsMap(String domain, Map<String, List<InetAddress>> hosts) {
    /** No tailnet names: everything is forwarded. */
    public static final DnsMap EMPTY = new DnsMap("", Map.of());

    public DnsMap {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(hosts, "hosts");
        Map<String, List<InetAddress>> copy = new LinkedHashMap<>();
        hosts.forEach((name, addresses) -> {
            Objects.requireNonNull(name, "host name");
            Objects.requireNonNull(addresses, () -> "addresses of " + name);
            copy.put(name, List.copyOf(new LinkedHashSet<>(addresses)));
        });
        hosts = java.util.Collections.unmodifiableMap(copy);
        LocalZone.compile(domain, hosts, 0); // validates; throws IllegalArgumentException
    }
}
