package dev.trellis.engine.paths;

import dev.trellis.protocol.key.NodePublicKey;
import java.nio.ByteBuffer;

/**
 * The node's side of the relays: sends a packet to a node key through a region, and reports
 * what arrives to a {@link Inbound}. {@link RelayConnections} is the real one (TCP/TLS to relay
 * servers); tests use one inside the simulated network.
 */
public interface RelayTransport extends AutoCloseable {

    /** Where packets from relays go. Called from the transport's threads; must not block long. */
    interface Inbound {
        void onRelayPacket(int region, NodePublicKey src, byte[] packet);

        /** The connection to {@code region} came up (true) or went down (false). */
        default void onRelayState(int region, boolean connected) {}
    }

    void setInbound(Inbound inbound);

    /**
     * Sends the bytes from position to limit to {@code dst} through {@code region}, connecting
     * to the region first if needed (the packet may then be dropped). False if it was dropped.
     */
    boolean send(int region, NodePublicKey dst, ByteBuffer packet);

    /** The region this node stays attached to, so that peers can reach it; 0 = none. */
    void setHome(int region);

    int home();

    /** Whether a connection to {@code region} is up now. */
    boolean connected(int region);

    @Override
    void close();
}
