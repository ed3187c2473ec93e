package dev.trellis.protocol.relay;

import dev.trellis.protocol.key.NodePublicKey;
import java.util.Objects;

/**
 * One relay frame. On the wire: {@code type (1 byte) | length (4 bytes, big-endian) | payload};
 * {@link RelayFrames} encodes and decodes them. Byte-array components are not copied: a frame is a
 * message in flight, owned by whoever holds it. Constructors check every fixed length, so a frame
 * that exists can always be encoded.
 */
public sealed interface RelayFrame {
    /** Largest packet a relay carries: a WireGuard message in a 64 KiB IP packet is well under it. */
    int MAX_PACKET = 64 * 1024;
    /** Largest payload of any frame: a packet plus two keys, with room to spare. */
    int MAX_PAYLOAD = MAX_PACKET + 128;
    int CHALLENGE_LENGTH = 32;
    int PING_LENGTH = 8;
    int MAX_HEALTH_TEXT = 1024;

    /** The wire type byte. */
    int type();

    /** Relay to client, first: who the relay is, and what to prove. */
    record ServerHello(NodePublicKey serverKey, byte[] challenge, int version) implements RelayFrame {
        public ServerHello {
            Objects.requireNonNull(serverKey, "serverKey");
            check(challenge, CHALLENGE_LENGTH, "challenge");
            checkU16(version, "version");
        }

        @Override
        public int type() {
            return RelayFrames.SERVER_HELLO;
        }
    }

    /**
     * Client to relay, once: its key, the proof that it holds the private half ({@link RelayProof}),
     * and for a relay of the same region, the mesh proof (empty for a node).
     */
    record ClientHello(NodePublicKey nodeKey, byte[] proof, byte[] meshProof) implements RelayFrame {
        public ClientHello {
            Objects.requireNonNull(nodeKey, "nodeKey");
            Objects.requireNonNull(proof, "proof");
            Objects.requireNonNull(meshProof, "meshProof");
            if (proof.length > 0xFFFF || meshProof.length > 1024) {
                throw new IllegalArgumentException("proof of " + proof.length + " or mesh proof of "
                        + meshProof.length + " bytes is too long");
            }
        }

        @Override
        public int type() {
            return RelayFrames.CLIENT_HELLO;
        }
    }

    /**
     * Relay to client, after the hello: accepted or not (then {@code message} says why and the
     * relay closes), the send queue depth and the byte rate (0: unlimited) it grants this client.
     */
    record ServerInfo(boolean accepted, int queueDepth, long rateBytesPerSecond, String message) implements RelayFrame {
        public ServerInfo {
            Objects.requireNonNull(message, "message");
            if (queueDepth < 0 || rateBytesPerSecond < 0) {
                throw new IllegalArgumentException("negative limits");
            }
            checkText(message, "message");
        }

        @Override
        public int type() {
            return RelayFrames.SERVER_INFO;
        }
    }

    /** Client to relay: deliver {@code payload} to the node holding {@code dst}. */
    record SendPacket(NodePublicKey dst, byte[] payload) implements RelayFrame {
        public SendPacket {
            Objects.requireNonNull(dst, "dst");
            checkPacket(payload);
        }

        @Override
        public int type() {
            return RelayFrames.SEND_PACKET;
        }
    }

    /** Relay to client: {@code payload} from the node holding {@code src}. */
    record RecvPacket(NodePublicKey src, byte[] payload) implements RelayFrame {
        public RecvPacket {
            Objects.requireNonNull(src, "src");
            checkPacket(payload);
        }

        @Override
        public int type() {
            return RelayFrames.RECV_PACKET;
        }
    }

    /** Either way: nothing, to keep the connection (and NAT mappings) alive. */
    record KeepAlive() implements RelayFrame {
        @Override
        public int type() {
            return RelayFrames.KEEP_ALIVE;
        }
    }

    /** Either way: asks for a {@link Pong} with the same 8 bytes. */
    record Ping(byte[] data) implements RelayFrame {
        public Ping {
            check(data, PING_LENGTH, "ping data");
        }

        @Override
        public int type() {
            return RelayFrames.PING;
        }
    }

    record Pong(byte[] data) implements RelayFrame {
        public Pong {
            check(data, PING_LENGTH, "pong data");
        }

        @Override
        public int type() {
            return RelayFrames.PONG;
        }
    }

    /** Relay to client: {@code key} is not reachable here (to a sender, or to a mesh watcher). */
    record PeerGone(NodePublicKey key, PeerGoneReason reason) implements RelayFrame {
        public PeerGone {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public int type() {
            return RelayFrames.PEER_GONE;
        }
    }

    /** Mesh relay to relay: deliver a packet from {@code src} (attached elsewhere) to local {@code dst}. */
    record ForwardPacket(NodePublicKey src, NodePublicKey dst, byte[] payload) implements RelayFrame {
        public ForwardPacket {
            Objects.requireNonNull(src, "src");
            Objects.requireNonNull(dst, "dst");
            checkPacket(payload);
        }

        @Override
        public int type() {
            return RelayFrames.FORWARD_PACKET;
        }
    }

    /** Relay to a mesh watcher: {@code key} is attached to this relay. */
    record PeerPresent(NodePublicKey key) implements RelayFrame {
        public PeerPresent {
            Objects.requireNonNull(key, "key");
        }

        @Override
        public int type() {
            return RelayFrames.PEER_PRESENT;
        }
    }

    /** Mesh client to relay: send PeerPresent for every attached key now, and Present/Gone as they change. */
    record WatchConns() implements RelayFrame {
        @Override
        public int type() {
            return RelayFrames.WATCH_CONNS;
        }
    }

    /** Relay to client: a problem worth showing (empty text: healthy again). */
    record Health(String text) implements RelayFrame {
        public Health {
            Objects.requireNonNull(text, "text");
            checkText(text, "health text");
        }

        @Override
        public int type() {
            return RelayFrames.HEALTH;
        }
    }

    /** Relay to client: about to restart; reconnect after {@code reconnectInMillis}, keep trying for {@code tryForMillis}. */
    record Restarting(int reconnectInMillis, int tryForMillis) implements RelayFrame {
        public Restarting {
            if (reconnectInMillis < 0 || tryForMillis < 0) {
                throw new IllegalArgumentException("negative restart times");
            }
        }

        @Override
        public int type() {
            return RelayFrames.RESTARTING;
        }
    }

    private static void check(byte[] bytes, int length, String what) {
        Objects.requireNonNull(bytes, what);
        if (bytes.length != length) {
            throw new IllegalArgumentException(what + " must be " + length + " bytes, got " + bytes.length);
        }
    }

    private static void checkPacket(byte[] payload) {
        Objects.requireNonNull(payload, "payload");
        if (payload.length > MAX_PACKET) {
            throw new IllegalArgumentException("packet of " + payload.length + " bytes exceeds " + MAX_PACKET);
        }
    }

    private static void checkU16(int v, String what) {
        if (v < 0 || v > 0xFFFF) {
            throw new IllegalArgumentException(what + " must be 0..65535, got " + v);
        }
    }

    private static void checkText(String text, String what) {
        if (text.length() > MAX_HEALTH_TEXT) {
            throw new IllegalArgumentException(what + " is longer than " + MAX_HEALTH_TEXT + " characters");
        }
    }
}
