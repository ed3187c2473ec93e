package dev.trellis.engine.paths;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * How a peer is reached right now.
 *
 * @param direct the direct endpoint in use; null when traffic goes through a relay
 * @param relayRegion the region a relayed packet goes through (the peer's home); 0 = none
 * @param latency round trip of the path in use, from its last pong; null if unmeasured
 * @param active whether traffic flowed recently
 * @param whyRelayed when relayed, why no direct path is in use, in words; null when direct
 * @param candidates how many addresses of the peer discovery tries
 */
public record PathStatus(InetSocketAddress direct, int relayRegion, Duration latency, boolean active,
        String whyRelayed, int candidates) {}
