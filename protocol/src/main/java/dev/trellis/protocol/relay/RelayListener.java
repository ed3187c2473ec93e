package dev.trellis.protocol.relay;

import dev.trellis.protocol.key.NodePublicKey;

/**
 * What a {@link RelayClient} reports. Calls come one at a time from the client's reader thread;
 * a slow listener slows reading from the relay (and the relay then drops for us), so hand work off.
 */
public interface RelayListener {
    /** A packet from the node holding {@code src}; the array is the listener's to keep. */
    void onPacket(NodePublicKey src, byte[] packet);

    /** The relay cannot (or can no longer) reach {@code key}. */
    default void onPeerGone(NodePublicKey key, PeerGoneReason reason) {}

    /** Mesh watchers only: {@code key} is attached to the relay. */
    default void onPeerPresent(NodePublicKey key) {}

    /** Mesh only: a packet the relay forwarded to us for a local node (relays never receive these). */
    default void onForward(NodePublicKey src, NodePublicKey dst, byte[] packet) {}

    /** The relay's health text; empty means healthy. */
    default void onHealth(String text) {}

    /** The relay is restarting: reconnect after the given delay. */
    default void onRestarting(int reconnectInMillis, int tryForMillis) {}

    /** The connection ended; {@code causeOrNull} is null after {@link RelayClient#close()}. Called once. */
    default void onClosed(Throwable causeOrNull) {}
}
