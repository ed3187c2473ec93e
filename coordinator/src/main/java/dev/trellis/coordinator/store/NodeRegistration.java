package dev.trellis.coordinator.store;

import dev.trellis.protocol.key.MachinePublicKey;
import dev.trellis.protocol.key.NodePublicKey;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * A device asking to (re-)register, with what authorizes it. See {@link Store#registerNode}.
 *
 * @param discoKey     null if not reported
 * @param hostname     as the device reports it; the node's DNS name is derived from it
 * @param hostinfoJson null if not reported
 * @param keyExpiry    when the node key stops being accepted; null means never
 */
public record NodeRegistration(MachinePublicKey machineKey, NodePublicKey nodeKey, String discoKey, String hostname,
        String hostinfoJson, List<String> endpoints, Instant keyExpiry, Authorization authorization) {
    public NodeRegistration {
        Checks.notNull(machineKey, "machine key");
        Checks.notNull(nodeKey, "node key");
        Checks.optionalText(discoKey, "disco key", Checks.MAX_NAME);
        Checks.notNull(hostname, "hostname");
        Checks.optionalText(hostname, "hostname", Checks.MAX_NAME);
        Checks.optionalText(hostinfoJson, "hostinfo", Checks.MAX_HOSTINFO);
        endpoints = Checks.list(endpoints, "endpoints");
        Checks.notNull(authorization, "authorization");
    }

    /** Who vouches for the device. */
    public sealed interface Authorization permits UserLogin, WithPreAuthKey {}

    /**
     * A user logged in interactively (an {@link AuthRequest} was completed, or a local login).
     *
     * @param tags tags the caller has already checked the user may assign
     */
    public record UserLogin(long userId, List<String> tags) implements Authorization {
        public UserLogin {
            tags = Checks.list(tags, "tags");
        }
    }

    /**
     * A pre-auth key, consumed in the registration's transaction. The node belongs to the key's
     * user and takes the key's tags and ephemeral flag.
     */
    public record WithPreAuthKey(String prefix, byte[] secretHash) implements Authorization {
        public WithPreAuthKey {
            Checks.text(prefix, "prefix", Checks.MAX_NAME);
            secretHash = Checks.hash(secretHash);
        }

        public static WithPreAuthKey of(Secrets.KeyText key) {
            if (key.kind() != Secrets.Kind.PRE_AUTH) {
                throw new IllegalArgumentException("not a pre-auth key");
            }
            return new WithPreAuthKey(key.prefix(), key.secretHash());
        }

        @Override
        public byte[] secretHash() {
            return secretHash.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof WithPreAuthKey k && prefix.equals(k.prefix) && Arrays.equals(secretHash, k.secretHash);
        }

        @Override
        public int hashCode() {
            return prefix.hashCode();
        }

        @Override
        public String toString() {
            return "WithPreAuthKey[prefix=" + prefix + "]";
        }
    }
}
