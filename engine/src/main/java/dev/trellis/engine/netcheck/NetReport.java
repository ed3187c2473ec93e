package dev.trellis.engine.netcheck;

import dev.trellis.protocol.control.RelayMap;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What one netcheck run found.
 *
 * @param udp whether any STUN server answered: UDP gets out (false: relays over TCP only)
 * @param globalV4 the node's public IPv4 endpoint as the fastest-answering STUN server saw it;
 *     null if no IPv4 STUN answer
 * @param globalV6 the same for IPv6; null if none
 * @param mappingVariesByDestIp true if STUN servers at different IPv4 addresses saw different
 *     mapped addresses (an endpoint-dependent, "hard" NAT: direct connections will mostly fail);
 *     false if they all saw the same; null if fewer than two distinct server IPs answered
 * @param regionLatency per region ID, the best latency: the fastest STUN round trip, or, for a
 *     region whose STUN servers all stayed silent, the TCP connect time to a relay. A region that
 *     answered nothing is absent
 * @param regionV4Latency per region ID, the fastest IPv4 STUN round trip (absent: none)
 * @param regionV6Latency per region ID, the fastest IPv6 STUN round trip (absent: none)
 * @param preferredRegion the home relay region: the lowest latency, with hysteresis (see
 *     {@link Netcheck}); 0 if no region is reachable
 * @param at when the run finished
 */
public record NetReport(boolean udp, InetSocketAddress globalV4, InetSocketAddress globalV6,
        Boolean mappingVariesByDestIp, Map<Integer, Duration> regionLatency, Map<Integer, Duration> regionV4Latency,
        Map<Integer, Duration> regionV6Latency, int preferredRegion, Instant at) {

    public NetReport {
        regionLatency = Map.copyOf(regionLatency);
        regionV4Latency = Map.copyOf(regionV4Latency);
        regionV6Latency = Map.copyOf(regionV6Latency);
        Objects.requireNonNull(at, "at");
        if (preferredRegion != 0 && !regionLatency.containsKey(preferredRegion)) {
            throw new IllegalArgumentException("preferred region " + preferredRegion + " has no latency");
        }
    }

    /** Human-readable lines, as {@code trellis netcheck} prints them; see {@link #describe(RelayMap)}. */
    public List<String> describe() {
        return describe(RelayMap.EMPTY);
    }

    /**
     * Human-readable lines, naming regions by their code in {@code map} where it has them, e.g.
     * {@code UDP: true}, {@code IPv4: 198.18.1.2:41641}, {@code MappingVariesByDestIP: false},
     * {@code Nearest relay: 1 (fra) 3.2 ms}, then one line per region, fastest first.
     */
    public List<String> describe(RelayMap map) {
        List<String> lines = new ArrayList<>();
        lines.add("UDP: " + udp);
        lines.add("IPv4: " + (globalV4 == null ? "(none)" : endpoint(globalV4)));
        lines.add("IPv6: " + (globalV6 == null ? "(none)" : endpoint(globalV6)));
        lines.add("MappingVariesByDestIP: " + (mappingVariesByDestIp == null ? "(unknown)" : mappingVariesByDestIp));
        lines.add("Nearest relay: " + (preferredRegion == 0 ? "(none reachable)"
                : region(map, preferredRegion) + " " + millis(regionLatency.get(preferredRegion))));
        new TreeMap<>(regionLatency).entrySet().stream()
                .sorted(Map.Entry.comparingByValue())
                .forEach(e -> lines.add("  - " + region(map, e.getKey()) + ": " + millis(e.getValue())
                        + (regionV4Latency.containsKey(e.getKey()) || regionV6Latency.containsKey(e.getKey())
                                ? "" : " (TCP)")));
        return lines;
    }

    private static String region(RelayMap map, int id) {
        return map.region(id).map(r -> id + " (" + r.code() + ")").orElse(String.valueOf(id));
    }

    private static String endpoint(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    private static String millis(Duration d) {
        return String.format(Locale.ROOT, "%.1f ms", d.toNanos() / 1e6);
    }
}
