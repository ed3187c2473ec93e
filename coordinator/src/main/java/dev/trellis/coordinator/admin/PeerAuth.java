package dev.trellis.coordinator.admin;

import dev.trellis.protocol.http.HttpExchange;
import dev.trellis.protocol.http.PeerCredentials;
import java.io.IOException;
import java.util.Optional;

/**
 * Unix-socket peers by the uid the kernel reports ({@code SO_PEERCRED}): root and the
 * coordinator's own user, who could read its database anyway. An unknown uid (-1) and a
 * connection without credentials (TCP) are refused. The socket's 0700 directory already keeps
 * other users out; this is the second lock.
 */
final class PeerAuth implements AdminAuth {
    private final int ownUid;

    PeerAuth(int ownUid) {
        if (ownUid < 0) {
            throw new IllegalArgumentException("own uid must be known, got " + ownUid);
        }
        this.ownUid = ownUid;
    }

    @Override
    public void check(HttpExchange ex) throws AdminApiException, IOException {
        Optional<PeerCredentials> peer = ex.peer();
        if (!allows(peer)) {
            throw new AdminApiException(403, "forbidden", "the admin socket serves only root and the coordinator's"
                    + " own user" + peer.map(p -> " (you are uid " + p.uid() + ")").orElse("")
                    + ": run the command as one of them, or use the HTTP API with an API key");
        }
    }

    boolean allows(Optional<PeerCredentials> peer) {
        return peer.isPresent() && peer.get().uid() >= 0 && (peer.get().uid() == 0 || peer.get().uid() == ownUid);
    }
}
