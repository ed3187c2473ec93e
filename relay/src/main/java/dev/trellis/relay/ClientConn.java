package dev.trellis.relay;

import dev.trellis.protocol.http.UpgradedConnection;
import dev.trellis.protocol.key.NodePublicKey;
import dev.trellis.protocol.relay.FrameSender;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One authenticated client on the relay: its key, its connection and its send queue. Frames for it
 * go through {@link #sender} (bounded, dropping); its own frames are read on the connection's
 * thread, which alone touches {@link #bucket} and {@link #lastNeverHere}.
 */
final class ClientConn {
    /** Senders remembered per destination, to tell them it went; more are not remembered. */
    private static final int MAX_SENDERS = 4096;
    private static final int MAX_NEVER_HERE = 1024;

    final NodePublicKey key;
    final boolean mesh;
    final UpgradedConnection conn;
    final FrameSender sender;
    final TokenBucket bucket;
    /** Keys of local clients that sent to this one: they get PeerGone when it goes. */
    private final Set<NodePublicKey> senders = ConcurrentHashMap.newKeySet();
    private final Map<NodePublicKey, Long> lastNeverHere = new HashMap<>();

    ClientConn(NodePublicKey key, boolean mesh, UpgradedConnection conn, FrameSender sender, TokenBucket bucket) {
        this.key = key;
        this.mesh = mesh;
        this.conn = conn;
        this.sender = sender;
        this.bucket = bucket;
    }

    void noteSender(NodePublicKey src) {
        if (senders.size() < MAX_SENDERS) {
            senders.add(src);
        }
    }

    Set<NodePublicKey> senders() {
        return senders;
    }

    /** True if a "never here" PeerGone for {@code dst} may go now (reader thread only). */
    boolean neverHereDue(NodePublicKey dst, long nowNanos, long intervalNanos) {
        Long last = lastNeverHere.get(dst);
        if (last != null && nowNanos - last < intervalNanos) {
            return false;
        }
        if (lastNeverHere.size() >= MAX_NEVER_HERE) {
            lastNeverHere.clear(); // forgetting only means one more PeerGone, never a missing one
        }
        lastNeverHere.put(dst, nowNanos);
        return true;
    }

    void close() {
        sender.close();
        conn.close();
    }
}
