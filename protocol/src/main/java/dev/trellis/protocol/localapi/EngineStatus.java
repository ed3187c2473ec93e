package dev.trellis.protocol.localapi;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * WireGuard engine counters in {@link Notify#engine()}: Tailscale's {@code ipn.EngineStatus}
 * without its per-peer map.
 *
 * @param rBytes bytes received over all peers since the daemon started
 * @param wBytes bytes sent over all peers since the daemon started
 * @param numLive peers with a handshake in the last few minutes
 * @param liveDerps relay connections open now
 */
public record EngineStatus(
        @JsonProperty("RBytes") long rBytes,
        @JsonProperty("WBytes") long wBytes,
        @JsonProperty("NumLive") int numLive,
        @JsonProperty("LiveDERPs") int liveDerps) {}
