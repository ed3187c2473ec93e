package dev.trellis.protocol.control;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * What a node's last netcheck found about its network, shaped like Tailscale's
 * {@code tailcfg.NetInfo}. Peers read it to explain why a path stays relayed, and the
 * coordinator publishes {@link #preferredRelay()} as the node's home relay region.
 *
 * @param mappingVariesByDestIp true if the node's NAT maps one socket to different public ports
 *     for different destinations (a "hard", endpoint-dependent NAT); null if unknown
 * @param workingUdp whether any STUN answer came back over UDP; null if not measured
 * @param workingIpv6 whether IPv6 reached a relay; null if not measured
 * @param preferredRelay the home relay region (lowest latency); 0 = none
 * @param relayLatency seconds to each region, keyed by region id as text
 */
public record NetInfo(
        @JsonProperty("MappingVariesByDestIP") Boolean mappingVariesByDestIp,
        @JsonProperty("WorkingUDP") Boolean workingUdp,
        @JsonProperty("WorkingIPv6") Boolean workingIpv6,
        int preferredRelay,
        Map<String, Double> relayLatency) {

    /** At most this many regions' latencies are carried (bounds a peer's message). */
    public static final int MAX_REGIONS = 64;

    public NetInfo {
        relayLatency = relayLatency == null ? Map.of() : Map.copyOf(relayLatency);
        if (relayLatency.size() > MAX_REGIONS) {
            throw new IllegalArgumentException("NetInfo has latencies for " + relayLatency.size()
                    + " regions; at most " + MAX_REGIONS);
        }
    }
}
