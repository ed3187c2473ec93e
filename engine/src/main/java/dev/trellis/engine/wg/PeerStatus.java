package dev.trellis.engine.wg;

import dev.trellis.protocol.key.NodePublicKey;
import dev.trellis.protocol.key.PresharedKey;
import dev.trellis.protocol.net.IpPrefix;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One peer in a {@link DeviceStatus}.
 *
 * @param presharedKey        {@link PresharedKey#NONE} when there is none
 * @param endpoint            absent until configured or learnt from an authenticated packet
 * @param persistentKeepalive seconds, 0 when off
 * @param lastHandshake       wall-clock time of the last completed handshake; absent if never
 * @param rxBytes             bytes received from this peer, including WireGuard overhead
 * @param txBytes             bytes sent to this peer, including WireGuard overhead
 */
public record PeerStatus(
        NodePublicKey publicKey,
        PresharedKey presharedKey,
        Optional<InetSocketAddress> endpoint,
        int persistentKeepalive,
        List<IpPrefix> allowedIps,
        Optional<Instant> lastHandshake,
        long rxBytes,
        long txBytes) {

    public PeerStatus {
        allowedIps = List.copyOf(allowedIps);
    }
}
