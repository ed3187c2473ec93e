package dev.trellis.protocol.relay;

import dev.trellis.protocol.key.NodePublicKey;
import dev.trellis.protocol.relay.RelayFrame.ClientHello;
import dev.trellis.protocol.relay.RelayFrame.ForwardPacket;
import dev.trellis.protocol.relay.RelayFrame.Health;
import dev.trellis.protocol.relay.RelayFrame.KeepAlive;
import dev.trellis.protocol.relay.RelayFrame.PeerGone;
import dev.trellis.protocol.relay.RelayFrame.PeerPresent;
import dev.trellis.protocol.relay.RelayFrame.Ping;
import dev.trellis.protocol.relay.RelayFrame.Pong;
import dev.trellis.protocol.relay.RelayFrame.RecvPacket;
import dev.trellis.protocol.relay.RelayFrame.Restarting;
import dev.trellis.protocol.relay.RelayFrame.SendPacket;
import dev.trellis.protocol.relay.RelayFrame.ServerHello;
import dev.trellis.protocol.relay.RelayFrame.ServerInfo;
import dev.trellis.protocol.relay.RelayFrame.WatchConns;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The frame codec: {@code type (1) | length (4, big-endian) | payload}, payload at most
 * {@link RelayFrame#MAX_PAYLOAD}. Fixed-size fields come first in each payload; a frame may carry
 * bytes beyond what this version reads (a newer peer's extension), which are ignored, but never
 * fewer. Unknown types decode to {@code null} so readers can skip them.
 */
public final class RelayFrames {
    public static final int HEADER_LENGTH = 5;
    static final int KEY = 32;

    public static final int SERVER_HELLO = 1;
    public static final int CLIENT_HELLO = 2;
    public static final int SERVER_INFO = 3;
    public static final int SEND_PACKET = 4;
    public static final int RECV_PACKET = 5;
    public static final int KEEP_ALIVE = 6;
    public static final int PING = 7;
    public static final int PONG = 8;
    public static final int PEER_GONE = 9;
    public static final int FORWARD_PACKET = 10;
    public static final int PEER_PRESENT = 11;
    public static final int WATCH_CONNS = 12;
    public static final int HEALTH = 13;
    public static final int RESTARTING = 14;

    private RelayFrames() {}

    /** The whole frame, header and payload. */
    public static byte[] encode(RelayFrame frame) {
        byte[] payload = payload(frame);
        ByteBuffer b = ByteBuffer.allocate(HEADER_LENGTH + payload.length);
        b.put((byte) frame.type()).putInt(payload.length).put(payload);
        return b.array();
    }

    /** The payload length {@link #encode} will produce, for queue accounting. */
    public static int payloadLength(RelayFrame frame) {
        return switch (frame) {
            case SendPacket p -> KEY + p.payload().length;
            case RecvPacket p -> KEY + p.payload().length;
            case ForwardPacket p -> 2 * KEY + p.payload().length;
            default -> payload(frame).length;
        };
    }

    static byte[] payload(RelayFrame frame) {
        return switch (frame) {
            case ServerHello h -> ByteBuffer.allocate(2 * KEY + 2).put(h.serverKey().toBytes()).put(h.challenge())
                    .putShort((short) h.version()).array();
            case ClientHello h -> ByteBuffer.allocate(KEY + 2 + h.proof().length + h.meshProof().length)
                    .put(h.nodeKey().toBytes()).putShort((short) h.proof().length).put(h.proof())
                    .put(h.meshProof()).array();
            case ServerInfo i -> {
                byte[] text = i.message().getBytes(StandardCharsets.UTF_8);
                yield ByteBuffer.allocate(1 + 4 + 8 + text.length).put((byte) (i.accepted() ? 1 : 0))
                        .putInt(i.queueDepth()).putLong(i.rateBytesPerSecond()).put(text).array();
            }
            case SendPacket p -> concat(p.dst().toBytes(), p.payload());
            case RecvPacket p -> concat(p.src().toBytes(), p.payload());
            case KeepAlive k -> new byte[0];
            case Ping p -> p.data().clone();
            case Pong p -> p.data().clone();
            case PeerGone g -> ByteBuffer.allocate(KEY + 1).put(g.key().toBytes()).put((byte) g.reason().code).array();
            case ForwardPacket f -> ByteBuffer.allocate(2 * KEY + f.payload().length).put(f.src().toBytes())
                    .put(f.dst().toBytes()).put(f.payload()).array();
            case PeerPresent p -> p.key().toBytes();
            case WatchConns w -> new byte[0];
            case Health h -> h.text().getBytes(StandardCharsets.UTF_8);
            case Restarting r -> ByteBuffer.allocate(8).putInt(r.reconnectInMillis()).putInt(r.tryForMillis()).array();
        };
    }

    /**
     * Decodes one payload of {@code type}; null for a type this version does not know.
     *
     * @throws RelayProtocolException if the payload is too short or otherwise malformed for its type
     */
    public static RelayFrame decode(int type, byte[] payload) throws RelayProtocolException {
        if (payload.length > RelayFrame.MAX_PAYLOAD) {
            throw new RelayProtocolException("frame payload of " + payload.length + " bytes exceeds " + RelayFrame.MAX_PAYLOAD);
        }
        ByteBuffer b = ByteBuffer.wrap(payload);
        try {
            return switch (type) {
                case SERVER_HELLO -> new ServerHello(key(b, type), bytes(b, RelayFrame.CHALLENGE_LENGTH, type),
                        u16(b, type));
                case CLIENT_HELLO -> {
                    NodePublicKey k = key(b, type);
                    byte[] proof = bytes(b, u16(b, type), type);
                    byte[] mesh = bytes(b, b.remaining(), type);
                    yield new ClientHello(k, proof, mesh);
                }
                case SERVER_INFO -> {
                    need(b, 13, type);
                    boolean accepted = b.get() != 0;
                    int depth = b.getInt();
                    long rate = b.getLong();
                    yield new ServerInfo(accepted, depth, rate, text(b, type));
                }
                case SEND_PACKET -> new SendPacket(key(b, type), rest(b));
                case RECV_PACKET -> new RecvPacket(key(b, type), rest(b));
                case KEEP_ALIVE -> new KeepAlive();
                case PING -> new Ping(bytes(b, RelayFrame.PING_LENGTH, type));
                case PONG -> new Pong(bytes(b, RelayFrame.PING_LENGTH, type));
                case PEER_GONE -> {
                    NodePublicKey k = key(b, type);
                    // the reason byte came with version 1; a missing one means disconnected
                    yield new PeerGone(k, PeerGoneReason.of(b.hasRemaining() ? b.get() & 0xFF : 0));
                }
                case FORWARD_PACKET -> new ForwardPacket(key(b, type), key(b, type), rest(b));
                case PEER_PRESENT -> new PeerPresent(key(b, type));
                case WATCH_CONNS -> new WatchConns();
                case HEALTH -> new Health(text(b, type));
                case RESTARTING -> {
                    need(b, 8, type);
                    yield new Restarting(b.getInt(), b.getInt());
                }
                default -> null;
            };
        } catch (IllegalArgumentException e) {
            throw new RelayProtocolException("malformed frame of type " + type + ": " + e.getMessage(), e);
        }
    }

    private static void need(ByteBuffer b, int n, int type) throws RelayProtocolException {
        if (n < 0 || b.remaining() < n) {
            throw new RelayProtocolException("frame of type " + type + " is truncated: needs " + n
                    + " more bytes, has " + b.remaining());
        }
    }

    private static NodePublicKey key(ByteBuffer b, int type) throws RelayProtocolException {
        return NodePublicKey.fromBytes(bytes(b, KEY, type));
    }

    private static byte[] bytes(ByteBuffer b, int n, int type) throws RelayProtocolException {
        need(b, n, type);
        byte[] out = new byte[n];
        b.get(out);
        return out;
    }

    private static byte[] rest(ByteBuffer b) {
        return Arrays.copyOfRange(b.array(), b.position(), b.limit());
    }

    private static int u16(ByteBuffer b, int type) throws RelayProtocolException {
        need(b, 2, type);
        return b.getShort() & 0xFFFF;
    }

    private static String text(ByteBuffer b, int type) throws RelayProtocolException {
        if (b.remaining() > RelayFrame.MAX_HEALTH_TEXT * 3) {
            throw new RelayProtocolException("text in frame of type " + type + " is too long: " + b.remaining() + " bytes");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(b).toString();
        } catch (CharacterCodingException e) {
            throw new RelayProtocolException("text in frame of type " + type + " is not UTF-8");
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
