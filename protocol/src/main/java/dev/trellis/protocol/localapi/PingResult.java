package dev.trellis.protocol.localapi;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The reply to {@code POST /localapi/v0/ping?ip=IP&type=TYPE}: one ping's outcome, Tailscale's
 * {@code ipnstate.PingResult} limited to the fields Trellis fills. A ping that got no answer is
 * still a 200 with {@code Err} set; only a bad request is an HTTP error.
 *
 * @param ip the address pinged
 * @param nodeIp the pinged node's first tunnel address
 * @param nodeName the pinged node's DNS name (short form)
 * @param err why there was no pong (e.g. a timeout), or null on success
 * @param latencySeconds the round trip time; 0 when {@code err} is set
 * @param endpoint the direct {@code ip:port} the tunnel used, or null when relayed or unknown
 * @param derpRegionId the relay region used; 0 when direct
 * @param derpRegionCode that region's short name, or null
 * @param isLocalIp true when the address is this node's own
 */
public record PingResult(
        @JsonProperty("IP") String ip,
        @JsonProperty("NodeIP") String nodeIp,
        @JsonProperty("NodeName") String nodeName,
        @JsonProperty("Err") @JsonInclude(JsonInclude.Include.NON_EMPTY) String err,
        @JsonProperty("LatencySeconds") @JsonInclude(JsonInclude.Include.NON_DEFAULT) double latencySeconds,
        @JsonProperty("Endpoint") @JsonInclude(JsonInclude.Include.NON_EMPTY) String endpoint,
        @JsonProperty("DERPRegionID") @JsonInclude(JsonInclude.Include.NON_DEFAULT) int derpRegionId,
        @JsonProperty("DERPRegionCode") @JsonInclude(JsonInclude.Include.NON_EMPTY) String derpRegionCode,
        @JsonProperty("IsLocalIP") @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean isLocalIp) {}
