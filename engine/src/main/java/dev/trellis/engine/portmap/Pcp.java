package dev.trellis.engine.portmap;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * PCP MAP messages (RFC 6887 §7, §11): version 2, a 24-byte header and 36 bytes of MAP data, 60
 * bytes both ways. Addresses are 16 bytes, IPv4 as IPv4-mapped IPv6. A reply belongs to a request
 * only if its opcode, nonce, protocol and internal port all match.
 */
final class Pcp {
    static final int VERSION = 2;
    static final int OP_MAP = 1;
    static final int HEADER_LENGTH = 24;
    static final int MAP_LENGTH = HEADER_LENGTH + 36;
    static final int NONCE_LENGTH = 12;
    static final int PROTOCOL_UDP = 17;

    private Pcp() {}

    /**
     * A MAP request for UDP from {@code client} (the address the gateway sees the request come
     * from) for {@code internalPort}; lifetime 0 deletes the mapping of the same nonce.
     */
    static byte[] mapRequest(byte[] nonce, InetAddress client, int internalPort, int suggestedExternalPort,
            long lifetimeSeconds) {
        if (nonce.length != NONCE_LENGTH) {
            throw new IllegalArgumentException("PCP nonce must be 12 bytes");
        }
        ByteBuffer b = ByteBuffer.allocate(MAP_LENGTH);
        b.put((byte) VERSION).put((byte) OP_MAP).putShort((short) 0).putInt((int) lifetimeSeconds);
        b.put(sixteen(client));
        b.put(nonce).put((byte) PROTOCOL_UDP).put(new byte[3]);
        b.putShort((short) internalPort).putShort((short) suggestedExternalPort);
        // "no preference" for an IPv4 mapping is the IPv4-mapped all-zeros address (§11.1)
        b.put(sixteen(NatPmp.address(new byte[4])));
        return b.array();
    }

    /**
     * Parses a reply to {@link #mapRequest}. A NAT-PMP gateway answers a version-2 request with a
     * NAT-PMP "unsupported version" (version 0, result 1), which is reported as such.
     */
    static Reply parse(byte[] d, int length, byte[] nonce, int internalPort) throws Reply.BadReply {
        if (length < 4) {
            throw new Reply.BadReply("PCP reply of " + length + " bytes is shorter than any header");
        }
        int version = d[0] & 0xff;
        if (version == NatPmp.VERSION) {
            // RFC 6887 §9: a NAT-PMP-only server's reply to a PCP request
            int result = ((d[2] & 0xff) << 8) | (d[3] & 0xff);
            if (result == 1) {
                return new Reply.UnsupportedVersion();
            }
            throw new Reply.BadReply("NAT-PMP reply (result " + result + ") to a PCP request");
        }
        if (version != VERSION) {
            throw new Reply.BadReply("PCP reply with version " + version);
        }
        if (length < HEADER_LENGTH) {
            throw new Reply.BadReply("PCP reply of " + length + " bytes is shorter than its 24-byte header");
        }
        if ((d[1] & 0xff) != (0x80 | OP_MAP)) {
            throw new Reply.BadReply("PCP reply with opcode byte " + (d[1] & 0xff) + ", expected a MAP response");
        }
        int result = d[3] & 0xff;
        if (result == 1) {
            return new Reply.UnsupportedVersion();
        }
        if (result != 0 && length < MAP_LENGTH) {
            // an error reply may come without the MAP data (e.g. for a malformed request)
            return new Reply.Refused(result, meaning(result));
        }
        if (length < MAP_LENGTH) {
            throw new Reply.BadReply("PCP MAP reply of " + length + " bytes, expected 60");
        }
        ByteBuffer b = ByteBuffer.wrap(d, 0, length);
        if (!Arrays.equals(d, HEADER_LENGTH, HEADER_LENGTH + NONCE_LENGTH, nonce, 0, NONCE_LENGTH)) {
            throw new Reply.BadReply("PCP MAP reply with another request's nonce");
        }
        int protocol = d[HEADER_LENGTH + 12] & 0xff;
        int internal = b.getShort(HEADER_LENGTH + 16) & 0xffff;
        if (protocol != PROTOCOL_UDP || internal != internalPort) {
            throw new Reply.BadReply("PCP MAP reply for protocol " + protocol + " port " + internal
                    + ", asked for UDP port " + internalPort);
        }
        if (result != 0) {
            return new Reply.Refused(result, meaning(result));
        }
        long lifetime = b.getInt(4) & 0xffffffffL;
        int external = b.getShort(HEADER_LENGTH + 18) & 0xffff;
        byte[] ip = Arrays.copyOfRange(d, HEADER_LENGTH + 20, HEADER_LENGTH + 36);
        return new Reply.Mapped(internal, external, lifetime, NatPmp.address(ip));
    }

    /** RFC 6887 §7.4. */
    static String meaning(int result) {
        return switch (result) {
            case 1 -> "unsupported version";
            case 2 -> "not authorized";
            case 3 -> "malformed request";
            case 4 -> "unsupported opcode";
            case 5 -> "unsupported option";
            case 6 -> "malformed option";
            case 7 -> "network failure";
            case 8 -> "no resources";
            case 9 -> "unsupported protocol";
            case 10 -> "user exceeded quota";
            case 11 -> "cannot provide external address or port";
            case 12 -> "address mismatch (a NAT between this host and the gateway?)";
            case 13 -> "excessive remote peers";
            default -> "unknown result code";
        };
    }

    /** An address as PCP's 16 bytes: IPv6 as is, IPv4 as {@code ::ffff:a.b.c.d}. */
    static byte[] sixteen(InetAddress address) {
        byte[] raw = address.getAddress();
        if (raw.length == 16) {
            return raw;
        }
        byte[] out = new byte[16];
        out[10] = (byte) 0xff;
        out[11] = (byte) 0xff;
        System.arraycopy(raw, 0, out, 12, 4);
        return out;
    }

}
