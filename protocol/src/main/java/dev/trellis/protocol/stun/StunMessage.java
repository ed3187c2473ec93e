package dev.trellis.protocol.stun;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * A STUN message (RFC 8489 §5): {@code type(2) | length(2) | cookie 0x2112A442 | transaction
 * id(12)} then attributes, each {@code type(2) | length(2) | value}, padded to four bytes. Only
 * what Binding needs is understood; other attributes are kept opaque (MESSAGE-INTEGRITY is not
 * checked: Binding here is unauthenticated, as on tailscale's DERP servers).
 */
public record StunMessage(int type, TransactionId transactionId, List<Attribute> attributes) {
    public static final int HEADER_LENGTH = 20;
    public static final int MAGIC_COOKIE = 0x2112A442;
    public static final int BINDING_REQUEST = 0x0001;
    public static final int BINDING_SUCCESS = 0x0101;
    public static final int ATTR_MAPPED_ADDRESS = 0x0001;
    public static final int ATTR_XOR_MAPPED_ADDRESS = 0x0020;
    /** XOR-MAPPED-ADDRESS as some pre-RFC 5389 servers still number it. */
    public static final int ATTR_XOR_MAPPED_ADDRESS_OLD = 0x8020;
    public static final int ATTR_SOFTWARE = 0x8022;
    public static final int ATTR_FINGERPRINT = 0x8028;
    /** RFC 8489 §14.7: "STUN" XORed into the CRC so that it differs from other protocols' CRCs. */
    private static final int FINGERPRINT_XOR = 0x5354554e;
    /** More than any Binding message carries; bounds the work a hostile datagram can cause. */
    public static final int MAX_ATTRIBUTES = 64;
    /** RFC 8489 §14.14: SOFTWARE is fewer than 128 characters, at most 763 bytes. */
    private static final int MAX_SOFTWARE_BYTES = 763;

    /** One attribute; {@link #value()} is a copy, so the record stays immutable. */
    public record Attribute(int type, byte[] value) {
        public Attribute {
            value = value.clone();
        }

        @Override
        public byte[] value() {
            return value.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Attribute a && a.type == type && Arrays.equals(a.value, value);
        }

        @Override
        public int hashCode() {
            return 31 * type + Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return String.format("Attribute[0x%04x, %d bytes]", type, value.length);
        }
    }

    public StunMessage {
        Objects.requireNonNull(transactionId, "transactionId");
        attributes = List.copyOf(attributes);
    }

    /**
     * Cheap test that a datagram sharing the socket is STUN rather than WireGuard or disco: at
     * least a header, the first two bits zero and the magic cookie in place (RFC 8489 §5).
     * Position to limit; the buffer does not move.
     */
    public static boolean isStun(ByteBuffer datagram) {
        int p = datagram.position();
        return datagram.remaining() >= HEADER_LENGTH
                && (datagram.get(p) & 0xC0) == 0
                && datagram.getInt(p + 4) == MAGIC_COOKIE;
    }

    /** A Binding Request with no attributes but, if asked, FINGERPRINT: 20 or 28 bytes. */
    public static byte[] bindingRequest(TransactionId id, boolean fingerprint) {
        ByteBuffer b = header(BINDING_REQUEST, id, fingerprint ? 8 : 0);
        if (fingerprint) {
            appendFingerprint(b);
        }
        return b.array();
    }

    /** A Binding Success Response telling the requester {@code mapped}, with SOFTWARE (if not empty) and FINGERPRINT. */
    public static byte[] bindingSuccess(TransactionId id, InetSocketAddress mapped, String software) {
        if (mapped == null || mapped.isUnresolved()) {
            throw new IllegalArgumentException("mapped address must be resolved, got " + mapped);
        }
        byte[] sw = software.getBytes(StandardCharsets.UTF_8);
        if (sw.length > MAX_SOFTWARE_BYTES) {
            throw new IllegalArgumentException("SOFTWARE is at most " + MAX_SOFTWARE_BYTES + " bytes");
        }
        byte[] ip = mapped.getAddress().getAddress();
        int addressLength = 4 + ip.length;
        int swLength = sw.length == 0 ? 0 : 4 + padded(sw.length);
        ByteBuffer b = header(BINDING_SUCCESS, id, 4 + addressLength + swLength + 8);
        if (sw.length > 0) {
            b.putShort((short) ATTR_SOFTWARE).putShort((short) sw.length).put(sw);
            b.position(b.position() + padded(sw.length) - sw.length);
        }
        b.putShort((short) ATTR_XOR_MAPPED_ADDRESS).putShort((short) addressLength);
        b.put((byte) 0).put((byte) (ip.length == 4 ? 1 : 2)).putShort((short) (mapped.getPort() ^ (MAGIC_COOKIE >>> 16)));
        byte[] mask = xorMask(id);
        for (int i = 0; i < ip.length; i++) {
            b.put((byte) (ip[i] ^ mask[i]));
        }
        appendFingerprint(b);
        return b.array();
    }

    /**
     * Parses one STUN message filling the datagram from position to limit (the buffer does not
     * move), checking the header, every attribute's length and, when present, FINGERPRINT.
     */
    public static StunMessage parse(ByteBuffer datagram) throws StunException {
        int n = datagram.remaining();
        if (n < HEADER_LENGTH) {
            throw new StunException("STUN message of " + n + " bytes is shorter than its 20-byte header");
        }
        if (!isStun(datagram)) {
            throw new StunException("not STUN: first two bits not zero or no magic cookie");
        }
        int length = datagram.getShort(datagram.position() + 2) & 0xffff;
        if (length % 4 != 0) {
            throw new StunException("STUN message length " + length + " is not a multiple of 4");
        }
        if (HEADER_LENGTH + length != n) {
            throw new StunException("STUN message length " + length + " does not match the "
                    + (n - HEADER_LENGTH) + " bytes after the header");
        }
        byte[] m = new byte[n];
        datagram.get(datagram.position(), m);
        int type = (m[0] & 0xff) << 8 | (m[1] & 0xff);
        List<Attribute> attributes = new ArrayList<>();
        boolean fingerprinted = false;
        for (int offset = HEADER_LENGTH; offset < n; ) {
            // offset and n are multiples of 4, so a whole attribute header is there.
            int attrType = (m[offset] & 0xff) << 8 | (m[offset + 1] & 0xff);
            int attrLength = (m[offset + 2] & 0xff) << 8 | (m[offset + 3] & 0xff);
            int end = offset + 4 + padded(attrLength);
            if (end > n) {
                throw new StunException(String.format("STUN attribute 0x%04x of %d bytes overruns the message",
                        attrType, attrLength));
            }
            if (fingerprinted) {
                throw new StunException("STUN attribute after FINGERPRINT");
            }
            if (attributes.size() == MAX_ATTRIBUTES) {
                throw new StunException("STUN message with more than " + MAX_ATTRIBUTES + " attributes");
            }
            if (attrType == ATTR_FINGERPRINT) {
                if (attrLength != 4) {
                    throw new StunException("FINGERPRINT of " + attrLength + " bytes, not 4");
                }
                int want = ByteBuffer.wrap(m, offset + 4, 4).getInt();
                if (fingerprint(m, offset) != want) {
                    throw new StunException("STUN FINGERPRINT does not match");
                }
                fingerprinted = true;
            }
            attributes.add(new Attribute(attrType, Arrays.copyOfRange(m, offset + 4, offset + 4 + attrLength)));
            offset = end;
        }
        return new StunMessage(type, TransactionId.read(m, 8), attributes);
    }

    public boolean isBindingRequest() {
        return type == BINDING_REQUEST;
    }

    public boolean isBindingSuccess() {
        return type == BINDING_SUCCESS;
    }

    public Optional<Attribute> attribute(int attrType) {
        return attributes.stream().filter(a -> a.type() == attrType).findFirst();
    }

    /**
     * The reflexive address the server saw: XOR-MAPPED-ADDRESS, else its pre-RFC number, else the
     * plain MAPPED-ADDRESS of RFC 3489 servers; empty if none is present.
     *
     * @throws StunException if the attribute present is malformed
     */
    public Optional<InetSocketAddress> mappedAddress() throws StunException {
        for (int t : new int[] {ATTR_XOR_MAPPED_ADDRESS, ATTR_XOR_MAPPED_ADDRESS_OLD, ATTR_MAPPED_ADDRESS}) {
            Optional<Attribute> a = attribute(t);
            if (a.isPresent()) {
                return Optional.of(address(a.get().value, t != ATTR_MAPPED_ADDRESS));
            }
        }
        return Optional.empty();
    }

    private InetSocketAddress address(byte[] v, boolean xor) throws StunException {
        if (v.length < 4) {
            throw new StunException("address attribute of " + v.length + " bytes");
        }
        int family = v[1] & 0xff;
        int ipLength = family == 1 ? 4 : family == 2 ? 16 : -1;
        if (ipLength < 0) {
            throw new StunException("address family " + family + " is neither IPv4 (1) nor IPv6 (2)");
        }
        if (v.length != 4 + ipLength) {
            throw new StunException("address attribute of " + v.length + " bytes for family " + family);
        }
        int port = (v[2] & 0xff) << 8 | (v[3] & 0xff);
        byte[] ip = Arrays.copyOfRange(v, 4, 4 + ipLength);
        if (xor) {
            port ^= MAGIC_COOKIE >>> 16;
            byte[] mask = xorMask(transactionId);
            for (int i = 0; i < ip.length; i++) {
                ip[i] ^= mask[i];
            }
        }
        try {
            InetAddress address = ipLength == 4 ? Inet4Address.getByAddress(ip) : InetAddress.getByAddress(ip);
            return new InetSocketAddress(address, port);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 or 16 bytes are always an address", e);
        }
    }

    /** The magic cookie then the transaction id: what XOR-MAPPED-ADDRESS XORs an address with. */
    private static byte[] xorMask(TransactionId id) {
        byte[] mask = new byte[16];
        ByteBuffer.wrap(mask).putInt(MAGIC_COOKIE);
        id.copyTo(mask, 4);
        return mask;
    }

    private static ByteBuffer header(int type, TransactionId id, int bodyLength) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_LENGTH + bodyLength);
        b.putShort((short) type).putShort((short) bodyLength).putInt(MAGIC_COOKIE);
        byte[] tx = new byte[TransactionId.LENGTH];
        id.copyTo(tx, 0);
        return b.put(tx);
    }

    /** The header's length already counts the FINGERPRINT attribute, as §14.7 requires. */
    private static void appendFingerprint(ByteBuffer b) {
        int crc = fingerprint(b.array(), b.position());
        b.putShort((short) ATTR_FINGERPRINT).putShort((short) 4).putInt(crc);
    }

    private static int fingerprint(byte[] m, int upTo) {
        CRC32 crc = new CRC32();
        crc.update(m, 0, upTo);
        return (int) crc.getValue() ^ FINGERPRINT_XOR;
    }

    private static int padded(int length) {
        return (length + 3) & ~3;
    }
}
