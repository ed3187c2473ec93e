package dev.trellis.protocol.localapi;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * What {@code GET /localapi/v0/netcheck} answers: what the node's network allows, measured
 * from the node's own WireGuard socket. Field names follow Tailscale's {@code netcheck.Report}
 * where it has them.
 *
 * @param udp whether UDP reached any relay's STUN server
 * @param ipv6 whether IPv6 did
 * @param globalV4 the public IPv4 endpoint STUN saw ({@code ip:port}); null if none
 * @param globalV6 the same for IPv6; null if none
 * @param mappingVariesByDestIp whether the NAT maps one socket to different public ports for
 *     different destinations (a "hard" NAT); null if it could not be told
 * @param preferredRelay the home relay region; 0 = none reachable
 * @param regionLatency seconds to each region, keyed by region ID
 * @param summary the same, as lines for people
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NetcheckReport(
        @JsonProperty("UDP") boolean udp,
        @JsonProperty("IPv6") boolean ipv6,
        @JsonProperty("GlobalV4") String globalV4,
        @JsonProperty("GlobalV6") String globalV6,
        @JsonProperty("MappingVariesByDestIP") Boolean mappingVariesByDestIp,
        @JsonProperty("PreferredRelay") int preferredRelay,
        @JsonProperty("RegionLatency") Map<String, Double> regionLatency,
        @JsonProperty("Summary") List<String> summary) {

    public NetcheckReport {
        regionLatency = regionLatency == null ? Map.of() : Map.copyOf(regionLatency);
        summary = summary == null ? List.of() : List.copyOf(summary);
    }
}
