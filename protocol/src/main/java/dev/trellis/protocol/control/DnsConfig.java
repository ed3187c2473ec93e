package dev.trellis.protocol.control;

import java.util.List;

/**
 * DNS settings for nodes. Absent (null) in a map response means "unchanged".
 *
 * @param domain the tailnet's DNS suffix; a node is {@code name.domain}
 * @param resolvers upstream resolvers to use instead of the system's, empty = keep the system's
 * @param searchDomains search domains to add
 */
public record DnsConfig(String domain, List<String> resolvers, List<String> searchDomains) {
    public DnsConfig {
        resolvers = resolvers == null ? List.of() : List.copyOf(resolvers);
        searchDomains = searchDomains == null ? List.of() : List.copyOf(searchDomains);
    }
}
