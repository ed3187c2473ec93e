package dev.trellis.engine.portmap;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * NAT-PMP messages (RFC 6886 §3): version 0, big-endian. Requests: external address (opcode 0,
 * 2 bytes) and UDP mapping (opcode 1, 12 bytes). Replies carry opcode 128 + the request's, a
 * result code and the gateway's epoch; every reply is length-checked before a field is read.
 */
final class NatPmp {
    static final int VERSION = 0;
    static final int OP_EXTERNAL = 0;
    static final int OP_MAP_UDP = 1;
    static final int EXTERNAL_REPLY_LENGTH = 12;
    static final int MAP_REPLY_LENGTH = 16;
    /** Version, opcode, result code and epoch: what even an error reply has (§3.5). */
    static final int ERROR_REPLY_LENGTH = 8;

    private NatPmp() {}

    static byte[] externalAddressRequest() {
        return new byte[] {VERSION, OP_EXTERNAL};
    }

    /** A UDP mapping request; lifetime 0 (with suggested port 0) deletes the mapping. */
    static byte[] mapUdpRequest(int internalPort, int suggestedExternalPort, long lifetimeSeconds) {
        return ByteBuffer.allocate(12).put((byte) VERSION).put((byte) OP_MAP_UDP).putShort((short) 0)
                .putShort((short) internalPort).putShort((short) suggestedExternalPort)
                .putInt((int) lifetimeSeconds).array();
    }

    /** Parses a reply to a request with {@code opcode} (and, for a mapping, {@code internalPort}). */
    static Reply parse(byte[] d, int length, int opcode, int internalPort) throws Reply.BadReply {
        if (length < 4) {
            throw new Reply.BadReply("NAT-PMP reply of " + length + " bytes is shorter than its header");
        }
        if ((d[0] & 0xff) != VERSION) {
            throw new Reply.BadReply("NAT-PMP reply with version " + (d[0] & 0xff));
        }
        if ((d[1] & 0xff) != 128 + opcode) {
            throw new Reply.BadReply("NAT-PMP reply with opcode " + (d[1] & 0xff) + ", expected " + (128 + opcode));
        }
        int result = ((d[2] & 0xff) << 8) | (d[3] & 0xff);
        if (result != 0) {
            if (length < ERROR_REPLY_LENGTH) {
                throw new Reply.BadReply("NAT-PMP error reply of " + length + " bytes");
            }
            return result == 1 ? new Reply.UnsupportedVersion() : new Reply.Refused(result, meaning(result));
        }
        ByteBuffer b = ByteBuffer.wrap(d, 0, length);
        if (opcode == OP_EXTERNAL) {
            if (length < EXTERNAL_REPLY_LENGTH) {
                throw new Reply.BadReply("NAT-PMP external address reply of " + length + " bytes, expected 12");
            }
            byte[] ip = new byte[4];
            b.position(8);
            b.get(ip);
            return new Reply.External(address(ip));
        }
        if (length < MAP_REPLY_LENGTH) {
            throw new Reply.BadReply("NAT-PMP mapping reply of " + length + " bytes, expected 16");
        }
        int internal = b.getShort(8) & 0xffff;
        int external = b.getShort(10) & 0xffff;
        long lifetime = b.getInt(12) & 0xffffffffL;
        if (internal != internalPort) {
            throw new Reply.BadReply("NAT-PMP mapping reply for internal port " + internal + ", asked for " + internalPort);
        }
        return new Reply.Mapped(internal, external, lifetime, null);
    }

    /** RFC 6886 §3.5. */
    static String meaning(int result) {
        return switch (result) {
            case 1 -> "unsupported version";
            case 2 -> "not authorized or refused (port mapping disabled, or not allowed for this host)";
            case 3 -> "network failure (the gateway has no external address)";
            case 4 -> "out of resources (no ports left)";
            case 5 -> "unsupported opcode";
            default -> "unknown result code";
        };
    }

    static InetAddress address(byte[] raw) {
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("address of " + raw.length + " bytes", e);
        }
    }
}
