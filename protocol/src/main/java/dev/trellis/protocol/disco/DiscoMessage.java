package dev.trellis.protocol.disco;

import dev.trellis.protocol.stun.TransactionId;
import dev.trellis.protocol.key.NodePublicKey;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

/**
 * The plaintext of a disco packet. On the wire: {@code type(1) | version(1) | body}; every
 * address is 16 bytes (IPv6, or IPv4-mapped {@code ::ffff:a.b.c.d}) and a big-endian port.
 */
public sealed interface DiscoMessage {
    byte TYPE_PING = 0x01;
    byte TYPE_PONG = 0x02;
    byte TYPE_CALL_ME_MAYBE = 0x03;
    /** The version this code writes. Readers accept any version and ignore what they don't know. */
    byte VERSION = 0;
    /** Bytes of one address: 16 of IP and 2 of port. */
    int ADDRESS_LENGTH = 18;

    /**
     * "Are you there on this path?" Body: {@code txId(12) | nodeKey(32) | padding}. The node key
     * binds the ping to the sender's WireGuard identity; {@code padding} zero bytes follow, so a
     * ping can probe a path's MTU.
     */
    record Ping(TransactionId txId, NodePublicKey nodeKey, int padding) implements DiscoMessage {
        public static final int BODY_LENGTH = TransactionId.LENGTH + 32;

        public Ping {
            Objects.requireNonNull(txId, "txId");
            Objects.requireNonNull(nodeKey, "nodeKey");
            if (padding < 0 || padding > DiscoCodec.MAX_PING_PADDING) {
                throw new IllegalArgumentException("ping padding must be 0.." + DiscoCodec.MAX_PING_PADDING);
            }
        }

        public Ping(TransactionId txId, NodePublicKey nodeKey) {
            this(txId, nodeKey, 0);
        }
    }

    /**
     * The answer to a Ping. Body: {@code txId(12) | src address(18)}: where the ping came from as
     * the answering node saw it, which tells the pinger its address on that path.
     */
    record Pong(TransactionId txId, InetSocketAddress src) implements DiscoMessage {
        public static final int BODY_LENGTH = TransactionId.LENGTH + ADDRESS_LENGTH;

        public Pong {
            Objects.requireNonNull(txId, "txId");
            DiscoCodec.checkAddress(src, "pong source");
        }
    }

    /**
     * "Ping me at these endpoints", sent through a relay so that both sides ping at once and open
     * their NATs. Body: {@code address(18) * n}, at most {@link DiscoCodec#MAX_ENDPOINTS}.
     */
    record CallMeMaybe(List<InetSocketAddress> endpoints) implements DiscoMessage {
        public CallMeMaybe {
            endpoints = List.copyOf(endpoints);
            if (endpoints.size() > DiscoCodec.MAX_ENDPOINTS) {
                throw new IllegalArgumentException("call-me-maybe holds at most " + DiscoCodec.MAX_ENDPOINTS
                        + " endpoints, got " + endpoints.size());
            }
            for (InetSocketAddress e : endpoints) {
                DiscoCodec.checkAddress(e, "call-me-maybe endpoint");
            }
        }
    }
}
