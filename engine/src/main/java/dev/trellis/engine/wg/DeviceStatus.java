package dev.trellis.engine.wg;

import dev.trellis.protocol.key.NodePrivateKey;
import java.util.List;
import java.util.Optional;

/**
 * A snapshot of the device's configuration and counters: the model of a UAPI {@code get=1} reply.
 *
 * @param privateKey absent when the device has no key yet
 * @param listenPort the bound UDP port, 0 when not bound
 * @param fwmark     0 when unset
 */
public record DeviceStatus(
        Optional<NodePrivateKey> privateKey,
        int listenPort,
        int fwmark,
        List<PeerStatus> peers) {

    public DeviceStatus {
        peers = List.copyOf(peers);
    }
}
