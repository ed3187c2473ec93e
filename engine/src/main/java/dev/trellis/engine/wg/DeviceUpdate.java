package dev.trellis.engine.wg;

import dev.trellis.protocol.key.NodePrivateKey;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One configuration change, applied as a whole: the model of a UAPI {@code set=1} transaction.
 * Absent optionals leave the current value as it is.
 *
 * @param privateKey  new private key; a zero key removes the device's key
 * @param listenPort  new UDP port; 0 picks a random port
 * @param fwmark      new firewall mark; 0 clears it
 * @param replacePeers remove every peer first (as wireguard-go does), so that the peers named
 *                     in {@code peers} are created afresh
 * @param peers       per-peer changes, in order
 */
public record DeviceUpdate(
        Optional<NodePrivateKey> privateKey,
        OptionalInt listenPort,
        OptionalInt fwmark,
        boolean replacePeers,
        List<PeerUpdate> peers) {

    public DeviceUpdate {
        peers = List.copyOf(peers);
    }
}
