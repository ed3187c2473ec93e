package dev.trellis.protocol.disco;

import dev.trellis.protocol.stun.TransactionId;
import dev.trellis.protocol.key.DiscoPrivateKey;
import dev.trellis.protocol.key.DiscoPublicKey;
import dev.trellis.protocol.key.NodePublicKey;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.security.InvalidKeyException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.crypto.AEADBadTagException;

/**
 * Disco packets on the wire:
 * {@code magic(6) | sender disco public key(32) | nonce(24) | crypto_box(payload)}, the payload
 * being a {@link DiscoMessage}. They share the UDP socket with WireGuard (and ride inside relay
 * frames), so {@link #isDisco} runs on every datagram and must never claim another protocol's.
 *
 * <p>The magic is {@code "TR🌿"} in UTF-8: {@code 54 52 F0 9F 8C BF}. It cannot collide with:
 * <ul>
 *   <li>WireGuard, whose messages start with a type 1..4 and three zero bytes: our first byte is
 *       0x54 and the next three are not zero;
 *   <li>STUN, whose first two bits are zero and whose bytes 4..7 are the cookie 21 12 A4 42: 0x54
 *       has its second bit set, and our bytes 4..5 are 8C BF;
 *   <li>tailscale's disco ({@code "TS💬"}), which differs in its second byte, so the two
 *       protocols never try to open each other's boxes.
 * </ul>
 *
 * <p>Decoding reads the bytes from the buffer's position to its limit and leaves the buffer as it
 * was. Every length is checked before use; anything wrong is a {@link DiscoException}.
 */
public final class DiscoCodec {
    public static final byte[] MAGIC = {'T', 'R', (byte) 0xF0, (byte) 0x9F, (byte) 0x8C, (byte) 0xBF};
    public static final int KEY_OFFSET = MAGIC.length;
    public static final int NONCE_OFFSET = KEY_OFFSET + DiscoPublicKey.LENGTH;
    /** Magic, sender key and nonce: the part sent in clear. */
    public static final int HEADER_LENGTH = NONCE_OFFSET + NaclBox.NONCE_LENGTH;
    /** The smallest packet worth opening: a header and a box of type and version. */
    public static final int MIN_PACKET_LENGTH = HEADER_LENGTH + NaclBox.OVERHEAD + 2;
    /** The largest UDP payload over IPv4. */
    public static final int MAX_PACKET_LENGTH = 65_507;
    public static final int MAX_PING_PADDING =
            MAX_PACKET_LENGTH - MIN_PACKET_LENGTH - DiscoMessage.Ping.BODY_LENGTH;
    /**
     * Endpoints in one CallMeMaybe. A node has a handful (LAN addresses, STUN-mapped ones, a
     * port-mapped one); 32 keep the packet (80 + 576 bytes) below IPv6's minimum MTU of 1280.
     */
    public static final int MAX_ENDPOINTS = 32;

    private static final SecureRandom RANDOM = new SecureRandom();

    private DiscoCodec() {}

    /** Cheap: length and magic only, from position to limit, without moving the buffer. */
    public static boolean isDisco(ByteBuffer datagram) {
        if (datagram.remaining() < MIN_PACKET_LENGTH) {
            return false;
        }
        int p = datagram.position();
        for (int i = 0; i < MAGIC.length; i++) {
            if (datagram.get(p + i) != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    /** The sender key in clear, to look up the peer (and its {@link NaclBox.SharedKey}) before opening. */
    public static DiscoPublicKey sender(ByteBuffer datagram) throws DiscoException {
        checkFraming(datagram);
        byte[] key = new byte[DiscoPublicKey.LENGTH];
        datagram.get(datagram.position() + KEY_OFFSET, key);
        return DiscoPublicKey.fromBytes(key);
    }

    /** Seals {@code message} from {@code sender} under {@code key}, with a fresh random nonce. */
    public static byte[] encode(DiscoMessage message, DiscoPublicKey sender, NaclBox.SharedKey key) {
        byte[] nonce = new byte[NaclBox.NONCE_LENGTH];
        RANDOM.nextBytes(nonce);
        return encode(message, sender, key, nonce);
    }

    /** As {@link #encode(DiscoMessage, DiscoPublicKey, NaclBox.SharedKey)} with a given nonce, which must never repeat. */
    public static byte[] encode(DiscoMessage message, DiscoPublicKey sender, NaclBox.SharedKey key, byte[] nonce) {
        byte[] box = key.seal(encodePayload(message), nonce);
        byte[] out = new byte[HEADER_LENGTH + box.length];
        System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
        sender.copyTo(out, KEY_OFFSET);
        System.arraycopy(nonce, 0, out, NONCE_OFFSET, NaclBox.NONCE_LENGTH);
        System.arraycopy(box, 0, out, HEADER_LENGTH, box.length);
        return out;
    }

    /**
     * Opens and parses a packet with the box key the caller keeps for its sender (see
     * {@link #sender}). The caller must check that the sender is the peer the key belongs to.
     */
    public static DiscoMessage decode(ByteBuffer datagram, NaclBox.SharedKey key) throws DiscoException {
        checkFraming(datagram);
        byte[] packet = new byte[datagram.remaining()];
        datagram.get(datagram.position(), packet);
        byte[] nonce = Arrays.copyOfRange(packet, NONCE_OFFSET, HEADER_LENGTH);
        byte[] payload;
        try {
            payload = key.open(packet, HEADER_LENGTH, packet.length - HEADER_LENGTH, nonce);
        } catch (AEADBadTagException e) {
            throw new DiscoException("disco box does not authenticate", e);
        }
        return decodePayload(payload);
    }

    /** Derives the box key from the sender key in the packet and {@code receiver}, then decodes. */
    public static DiscoPacket decode(ByteBuffer datagram, DiscoPrivateKey receiver) throws DiscoException {
        DiscoPublicKey sender = sender(datagram);
        NaclBox.SharedKey key;
        try {
            key = NaclBox.SharedKey.derive(sender, receiver);
        } catch (InvalidKeyException e) {
            throw new DiscoException("disco sender key is a low-order point", e);
        }
        return new DiscoPacket(sender, decode(datagram, key));
    }

    private static void checkFraming(ByteBuffer datagram) throws DiscoException {
        int n = datagram.remaining();
        if (n < MIN_PACKET_LENGTH) {
            throw new DiscoException("disco packet of " + n + " bytes is shorter than the minimum " + MIN_PACKET_LENGTH);
        }
        if (n > MAX_PACKET_LENGTH) {
            throw new DiscoException("disco packet of " + n + " bytes is longer than a UDP datagram");
        }
        if (!isDisco(datagram)) {
            throw new DiscoException("not a disco packet: wrong magic");
        }
    }

    static byte[] encodePayload(DiscoMessage message) {
        return switch (message) {
            case DiscoMessage.Ping ping -> {
                byte[] out = new byte[2 + DiscoMessage.Ping.BODY_LENGTH + ping.padding()];
                header(out, DiscoMessage.TYPE_PING);
                ping.txId().copyTo(out, 2);
                ping.nodeKey().copyTo(out, 2 + TransactionId.LENGTH);
                yield out;
            }
            case DiscoMessage.Pong pong -> {
                byte[] out = new byte[2 + DiscoMessage.Pong.BODY_LENGTH];
                header(out, DiscoMessage.TYPE_PONG);
                pong.txId().copyTo(out, 2);
                writeAddress(pong.src(), out, 2 + TransactionId.LENGTH);
                yield out;
            }
            case DiscoMessage.CallMeMaybe cmm -> {
                byte[] out = new byte[2 + DiscoMessage.ADDRESS_LENGTH * cmm.endpoints().size()];
                header(out, DiscoMessage.TYPE_CALL_ME_MAYBE);
                for (int i = 0; i < cmm.endpoints().size(); i++) {
                    writeAddress(cmm.endpoints().get(i), out, 2 + i * DiscoMessage.ADDRESS_LENGTH);
                }
                yield out;
            }
        };
    }

    /**
     * Parses an opened payload. Any version is accepted, and bytes after a Ping's or Pong's body
     * are ignored (padding, or fields a later version adds); a CallMeMaybe must be whole addresses.
     */
    static DiscoMessage decodePayload(byte[] p) throws DiscoException {
        if (p.length < 2) {
            throw new DiscoException("disco payload of " + p.length + " bytes has no type and version");
        }
        int bodyLength = p.length - 2;
        return switch (p[0]) {
            case DiscoMessage.TYPE_PING -> {
                need(bodyLength, DiscoMessage.Ping.BODY_LENGTH, "ping");
                NodePublicKey nodeKey = NodePublicKey.fromBytes(
                        Arrays.copyOfRange(p, 2 + TransactionId.LENGTH, 2 + DiscoMessage.Ping.BODY_LENGTH));
                yield new DiscoMessage.Ping(TransactionId.read(p, 2), nodeKey, bodyLength - DiscoMessage.Ping.BODY_LENGTH);
            }
            case DiscoMessage.TYPE_PONG -> {
                need(bodyLength, DiscoMessage.Pong.BODY_LENGTH, "pong");
                yield new DiscoMessage.Pong(TransactionId.read(p, 2), readAddress(p, 2 + TransactionId.LENGTH));
            }
            case DiscoMessage.TYPE_CALL_ME_MAYBE -> {
                if (bodyLength % DiscoMessage.ADDRESS_LENGTH != 0) {
                    throw new DiscoException("call-me-maybe body of " + bodyLength
                            + " bytes is not a whole number of " + DiscoMessage.ADDRESS_LENGTH + "-byte endpoints");
                }
                int n = bodyLength / DiscoMessage.ADDRESS_LENGTH;
                if (n > MAX_ENDPOINTS) {
                    throw new DiscoException("call-me-maybe with " + n + " endpoints; at most " + MAX_ENDPOINTS);
                }
                List<InetSocketAddress> endpoints = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    endpoints.add(readAddress(p, 2 + i * DiscoMessage.ADDRESS_LENGTH));
                }
                yield new DiscoMessage.CallMeMaybe(endpoints);
            }
            default -> throw new DiscoException(String.format("unknown disco message type 0x%02x", p[0] & 0xff));
        };
    }

    private static void need(int have, int need, String what) throws DiscoException {
        if (have < need) {
            throw new DiscoException(what + " body of " + have + " bytes is shorter than " + need);
        }
    }

    private static void header(byte[] out, byte type) {
        out[0] = type;
        out[1] = DiscoMessage.VERSION;
    }

    static void checkAddress(InetSocketAddress a, String what) {
        if (a == null || a.isUnresolved()) {
            throw new IllegalArgumentException(what + " must be a resolved IP address and port, got " + a);
        }
    }

    private static void writeAddress(InetSocketAddress a, byte[] out, int offset) {
        byte[] ip = a.getAddress().getAddress();
        if (a.getAddress() instanceof Inet4Address) {
            out[offset + 10] = (byte) 0xff;
            out[offset + 11] = (byte) 0xff;
            System.arraycopy(ip, 0, out, offset + 12, 4);
        } else {
            System.arraycopy(ip, 0, out, offset, 16);
        }
        out[offset + 16] = (byte) (a.getPort() >>> 8);
        out[offset + 17] = (byte) a.getPort();
    }

    /** An IPv4-mapped address comes back as an {@link Inet4Address}: the JDK unmaps it. */
    private static InetSocketAddress readAddress(byte[] p, int offset) {
        try {
            InetAddress ip = InetAddress.getByAddress(Arrays.copyOfRange(p, offset, offset + 16));
            int port = (p[offset + 16] & 0xff) << 8 | (p[offset + 17] & 0xff);
            return new InetSocketAddress(ip, port);
        } catch (UnknownHostException e) {
            throw new AssertionError("16 bytes are always an address", e);
        }
    }
}
