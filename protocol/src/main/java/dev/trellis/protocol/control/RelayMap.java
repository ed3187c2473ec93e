package dev.trellis.protocol.control;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * Where the relays are: regions, each with one or more relay servers that forward packets
 * between nodes that cannot reach each other directly, and answer STUN. Shaped like Tailscale's
 * {@code tailcfg.DERPMap}. Sent in the first map and again when it changes; absent (null) in a
 * delta means unchanged. An empty map means no relays.
 *
 * @param regions the regions, each with a distinct {@link Region#id()}
 */
public record RelayMap(List<Region> regions) {
    public RelayMap {
        regions = regions == null ? List.of() : List.copyOf(regions);
    }

    /** No relays. */
    public static final RelayMap EMPTY = new RelayMap(List.of());

    /**
     * Checks what a node needs to use the map: distinct positive region ids, at least one relay
     * per region, distinct relay names, a host name, ports in range, IP literals that parse.
     *
     * @throws IllegalArgumentException naming the region or relay and what is wrong
     */
    public RelayMap validate() {
        java.util.Set<Integer> ids = new java.util.HashSet<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        for (Region r : regions) {
            if (r == null) {
                throw new IllegalArgumentException("a region is null");
            }
            if (r.id() <= 0 || !ids.add(r.id())) {
                throw new IllegalArgumentException("region " + r.id() + ": IDs must be positive and distinct");
            }
            if (r.code() == null || !r.code().matches("[a-z0-9-]{1,16}")) {
                throw new IllegalArgumentException("region " + r.id() + ": Code must be 1-16 of [a-z0-9-], got '"
                        + r.code() + "'");
            }
            if (r.relays().isEmpty()) {
                throw new IllegalArgumentException("region " + r.id() + " (" + r.code() + ") has no relays");
            }
            for (Relay s : r.relays()) {
                String where = "region " + r.id() + " relay " + (s == null ? null : s.name());
                if (s == null || s.name() == null || s.name().isBlank() || !names.add(s.name())) {
                    throw new IllegalArgumentException(where + ": relays need distinct names");
                }
                if (s.hostName() == null || s.hostName().isBlank()) {
                    throw new IllegalArgumentException(where + ": HostName is missing");
                }
                if (s.relayPort() < 0 || s.relayPort() > 65535 || s.stunPort() < 0 || s.stunPort() > 65535) {
                    throw new IllegalArgumentException(where + ": ports must be 0..65535");
                }
                literal(where, "IPv4", s.ipv4(), 4);
                literal(where, "IPv6", s.ipv6(), 16);
            }
        }
        return this;
    }

    private static void literal(String where, String field, String text, int length) {
        if (text == null || text.isEmpty()) {
            return;
        }
        byte[] raw = dev.trellis.protocol.net.IpLiterals.parseAddress(text);
        if (raw == null || raw.length != length) {
            throw new IllegalArgumentException(where + ": " + field + " is not an " + field + " address: '" + text + "'");
        }
    }

    /** The region with {@code id}, if the map has it. */
    public java.util.Optional<Region> region(int id) {
        return regions.stream().filter(r -> r.id() == id).findFirst();
    }

    /**
     * One region: relays near each other that mesh, so a node attached to any of them reaches
     * every node attached to the region.
     *
     * @param id positive and unique in the map; a node's {@link Node#homeRelay()} names it
     * @param code a short name for logs and status, e.g. "fra"
     * @param name a human name, e.g. "Frankfurt"
     * @param relays the region's servers, in order of preference
     */
    public record Region(@JsonProperty("ID") int id, String code, String name, List<Relay> relays) {
        public Region {
            relays = relays == null ? List.of() : List.copyOf(relays);
        }
    }

    /**
     * One relay server.
     *
     * @param name unique in the map, e.g. "fra1"
     * @param hostName the TLS name (and address, unless the IPs are given)
     * @param ipv4 an IPv4 literal to dial instead of resolving hostName; null = resolve
     * @param ipv6 an IPv6 literal to dial; null = resolve
     * @param relayPort the TCP port of the relay's HTTP(S) listener (443 by default)
     * @param stunPort the UDP port of its STUN server; 0 = none
     * @param insecureForTests plain HTTP instead of TLS: for labs and tests only
     */
    public record Relay(String name, String hostName, @JsonProperty("IPv4") String ipv4,
            @JsonProperty("IPv6") String ipv6, int relayPort, @JsonProperty("STUNPort") int stunPort,
            boolean insecureForTests) {}
}
