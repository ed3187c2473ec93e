package dev.trellis.engine.wg;

import dev.trellis.protocol.key.NodePublicKey;
import dev.trellis.protocol.key.PresharedKey;
import dev.trellis.protocol.net.IpPrefix;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A change to one peer, as UAPI {@code public_key=…} and the lines that follow it express it.
 * Absent optionals leave the current value.
 *
 * @param remove             remove the peer (other fields are ignored)
 * @param updateOnly         change the peer only if it exists; never create it
 * @param presharedKey       a zero key removes the preshared key
 * @param endpoint           a numeric address and port; never resolved here
 * @param persistentKeepalive seconds, 0 disables
 * @param replaceAllowedIps  drop the current allowed IPs before adding {@code allowedIps}
 * @param allowedIps         prefixes to add
 */
public record PeerUpdate(
        NodePublicKey publicKey,
        boolean remove,
        boolean updateOnly,
        Optional<PresharedKey> presharedKey,
        Optional<InetSocketAddress> endpoint,
        OptionalInt persistentKeepalive,
        boolean replaceAllowedIps,
        List<IpPrefix> allowedIps) {

    public PeerUpdate {
        allowedIps = List.copyOf(allowedIps);
    }
}
