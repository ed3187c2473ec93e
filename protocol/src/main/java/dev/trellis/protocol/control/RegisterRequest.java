package dev.trellis.protocol.control;

import dev.trellis.protocol.key.NodePublicKey;
import java.time.Instant;

/**
 * Asks the coordinator to accept {@code nodeKey} for the machine on this connection (the
 * machine key is the connection's Noise identity, so it is not repeated here).
 *
 * <p>The three ways in: an {@code authKey} (pre-auth key); a machine that is already
 * registered with this node key (answered at once); otherwise the answer carries an auth URL
 * for the user to open, and the node sends the request again with {@code followup} set to that
 * URL, which the coordinator answers once the user has logged in.
 *
 * @param version the node's {@link CapabilityVersion}
 * @param nodeKey the node key to register
 * @param oldNodeKey the key this one replaces (key rotation on re-login); null if none
 * @param authKey a pre-auth key; null for interactive login
 * @param hostinfo what the node says about itself
 * @param followup an auth URL from an earlier answer: wait until it is used
 * @param logout true to expire {@code nodeKey} now (log out)
 * @param requestedExpiry a key expiry the node asks for; null = the coordinator's default
 */
public record RegisterRequest(
        long id,
        int version,
        NodePublicKey nodeKey,
        NodePublicKey oldNodeKey,
        String authKey,
        Hostinfo hostinfo,
        String followup,
        boolean logout,
        Instant requestedExpiry) implements ControlMessage {

    /** Redacts the pre-auth key, which is a secret. */
    @Override
    public String toString() {
        return "RegisterRequest[id=" + id + ", version=" + version + ", nodeKey=" + nodeKey
                + ", oldNodeKey=" + oldNodeKey + ", authKey=" + (authKey == null ? "null" : "[redacted]")
                + ", hostinfo=" + hostinfo + ", followup=" + (followup != null) + ", logout=" + logout + "]";
    }
}
