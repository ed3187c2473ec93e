package dev.trellis.protocol.http;

import java.util.Objects;

/**
 * Who is at the other end of a Unix socket, as the kernel saw it when the peer connected
 * ({@code SO_PEERCRED}): effective user and group. {@code uid} or {@code gid} is -1 only when the
 * numeric id could not be proven from the name (see {@link PeerIds}); authorize on the ids and
 * treat -1 as unknown, never as a match.
 */
public record PeerCredentials(int uid, int gid, String user, String group) {
    public PeerCredentials {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(group, "group");
    }

    /** True if the peer runs as root (uid 0). */
    public boolean isRoot() {
        return uid == 0;
    }
}
