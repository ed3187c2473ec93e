package dev.trellis.coordinator.store;

import dev.trellis.protocol.key.MachinePublicKey;
import dev.trellis.protocol.key.NodePublicKey;
import java.time.Instant;

/**
 * A pending interactive login: a device asked to register and was sent to an auth URL carrying
 * {@code id}. A user completes it at most once ({@link Store#completeAuthRequest}).
 *
 * @param id              random token from the auth URL; it is short-lived and single-use, so it
 *                        is stored as is, not hashed
 * @param completedUserId the user who completed it; null while pending
 * @param completed       when it was completed; null while pending
 */
public record AuthRequest(String id, MachinePublicKey machineKey, NodePublicKey nodeKey, String hostname,
        String hostinfoJson, Instant created, Instant expires, Long completedUserId, Instant completed) {
    public AuthRequest {
        Checks.text(id, "auth request id", Checks.MAX_NAME);
        Checks.notNull(machineKey, "machine key");
        Checks.notNull(nodeKey, "node key");
        Checks.notNull(hostname, "hostname");
        Checks.optionalText(hostname, "hostname", Checks.MAX_NAME);
        Checks.optionalText(hostinfoJson, "hostinfo", Checks.MAX_HOSTINFO);
        Checks.notNull(created, "created");
        Checks.notNull(expires, "expires");
        if ((completedUserId == null) != (completed == null)) {
            throw new IllegalArgumentException("completedUserId and completed are set together");
        }
    }

    public boolean isCompleted() {
        return completed != null;
    }

    public boolean expiredAt(Instant now) {
        return !expires.isAfter(now);
    }

    /** Leaves the id out: it is a bearer token for the login. */
    @Override
    public String toString() {
        return "AuthRequest[machineKey=" + machineKey + ", hostname=" + hostname + ", created=" + created
                + ", expires=" + expires + ", completedUserId=" + completedUserId + "]";
    }
}
