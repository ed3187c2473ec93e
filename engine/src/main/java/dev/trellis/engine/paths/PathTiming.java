package dev.trellis.engine.paths;

import java.time.Duration;

/**
 * The clocks of path discovery. {@link #DEFAULT} follows what Tailscale's magicsock found to
 * work on real networks; tests shorten them.
 *
 * @param tick how often timers are checked
 * @param pingTimeout a ping with no pong after this is given up
 * @param trustUdp a direct path is used this long after its last pong
 * @param heartbeat while traffic flows, the direct path is pinged this often (renewing trust)
 * @param sessionActive traffic within this long counts as "flowing"
 * @param discoveryInterval at least this long between two full rounds of pings to a peer
 * @param upgradeInterval with a direct path, a full round this often looks for a better one
 * @param pingBackInterval at most one ping back per address per this long, answering a ping
 */
public record PathTiming(Duration tick, Duration pingTimeout, Duration trustUdp, Duration heartbeat,
        Duration sessionActive, Duration discoveryInterval, Duration upgradeInterval, Duration pingBackInterval) {

    public static final PathTiming DEFAULT = new PathTiming(Duration.ofMillis(250), Duration.ofSeconds(5),
            Duration.ofMillis(6500), Duration.ofSeconds(3), Duration.ofSeconds(45), Duration.ofSeconds(5),
            Duration.ofSeconds(60), Duration.ofSeconds(1));
}
