package dev.trellis.engine.tun;

import java.nio.ByteBuffer;

/**
 * Reads the UDP datagrams the OS sends to a local service and builds the replies: IPv4 with its
 * header checksum, IPv4 and IPv6 with the UDP checksum (mandatory for IPv6, computed for IPv4
 * too). Every length is checked against the bytes present before use.
 */
final class UdpPackets {
    static final int IPV4_HEADER = 20;
    static final int IPV6_HEADER = 40;
    static final int UDP_HEADER = 8;
    static final int TTL = 64;

    /** Why a packet to a service address is not a datagram for it. */
    enum Problem { NONE, NOT_UDP, MALFORMED }

    /** A datagram's fields, as absolute indices into the buffer it was read from. */
    static final class Datagram {
        int version;
        int srcAt;
        int dstAt;
        int srcPort;
        int dstPort;
        int payloadAt;
        int payloadLength;
        /** Constant text saying what is wrong when the parse fails. */
        String error;

        int addressLength() {
            return version == 4 ? 4 : 16;
        }
    }

    private UdpPackets() {
    }

    /**
     * Parses {@code b[off, off+len)} as an IPv4 or IPv6 UDP datagram. Fragments and IPv6
     * extension headers are not for local services; a present checksum must verify, and IPv6
     * requires one (RFC 8200 §8.1).
     */
    static Problem parse(ByteBuffer b, int off, int len, Datagram d) {
        if (len < 1) {
            return malformed(d, "empty packet");
        }
        int version = (b.get(off) >>> 4) & 0xf;
        d.version = version;
        int header;
        int total;
        if (version == 4) {
            if (len < IPV4_HEADER) {
                return malformed(d, "truncated IPv4 header");
            }
            header = (b.get(off) & 0xf) * 4;
            total = u16(b, off + 2);
            if (header < IPV4_HEADER || total < header || total > len) {
                return malformed(d, "IPv4 lengths disagree with the packet");
            }
            if ((u16(b, off + 6) & 0x3fff) != 0) {
                return malformed(d, "fragmented datagram");
            }
            if ((b.get(off + 9) & 0xff) != Checksum.UDP) {
                return Problem.NOT_UDP;
            }
            d.srcAt = off + 12;
            d.dstAt = off + 16;
        } else if (version == 6) {
            if (len < IPV6_HEADER) {
                return malformed(d, "truncated IPv6 header");
            }
            header = IPV6_HEADER;
            total = IPV6_HEADER + u16(b, off + 4);
            if (total > len) {
                return malformed(d, "IPv6 payload length disagrees with the packet");
            }
            if ((b.get(off + 6) & 0xff) != Checksum.UDP) {
                return Problem.NOT_UDP; // extension headers included: not for a local service
            }
            d.srcAt = off + 8;
            d.dstAt = off + 24;
        } else {
            return malformed(d, "IP version is neither 4 nor 6");
        }
        int udp = off + header;
        int room = total - header;
        if (room < UDP_HEADER) {
            return malformed(d, "truncated UDP header");
        }
        int udpLength = u16(b, udp + 4);
        if (udpLength < UDP_HEADER || udpLength > room) {
            return malformed(d, "UDP length disagrees with the packet");
        }
        int checksum = u16(b, udp + 6);
        if (checksum == 0 && version == 6) {
            return malformed(d, "IPv6 UDP datagram without checksum");
        }
        if (checksum != 0) {
            long sum = Checksum.pseudoHeader(b, d.srcAt, d.dstAt, d.addressLength(), Checksum.UDP, udpLength);
            if (Checksum.finish(Checksum.add(sum, b, udp, udpLength)) != 0) {
                return malformed(d, "bad UDP checksum");
            }
        }
        d.srcPort = u16(b, udp);
        d.dstPort = u16(b, udp + 2);
        d.payloadAt = udp + UDP_HEADER;
        d.payloadLength = udpLength - UDP_HEADER;
        return Problem.NONE;
    }

    /** The IP and UDP header bytes in front of a payload of the given family. */
    static int overhead(int addressLength) {
        return (addressLength == 4 ? IPV4_HEADER : IPV6_HEADER) + UDP_HEADER;
    }

    /** A complete IPv4 or IPv6 UDP packet (by the address length) from src to dst. */
    static byte[] build(byte[] src, int srcPort, byte[] dst, int dstPort, byte[] payload) {
        boolean v4 = src.length == 4;
        int header = v4 ? IPV4_HEADER : IPV6_HEADER;
        int udpLength = UDP_HEADER + payload.length;
        byte[] packet = new byte[header + udpLength];
        ByteBuffer b = ByteBuffer.wrap(packet);
        int srcAt;
        int dstAt;
        if (v4) {
            b.put(0, (byte) 0x45);
            b.putShort(2, (short) packet.length);
            b.putShort(6, (short) 0x4000); // DF: an atomic datagram, so identification 0 is fine (RFC 6864)
            b.put(8, (byte) TTL);
            b.put(9, (byte) Checksum.UDP);
            srcAt = 12;
            dstAt = 16;
        } else {
            b.put(0, (byte) 0x60);
            b.putShort(4, (short) udpLength);
            b.put(6, (byte) Checksum.UDP);
            b.put(7, (byte) TTL);
            srcAt = 8;
            dstAt = 24;
        }
        b.put(srcAt, src);
        b.put(dstAt, dst);
        if (v4) {
            b.putShort(10, (short) Checksum.finish(Checksum.add(0, b, 0, IPV4_HEADER)));
        }
        b.putShort(header, (short) srcPort);
        b.putShort(header + 2, (short) dstPort);
        b.putShort(header + 4, (short) udpLength);
        b.put(header + UDP_HEADER, payload);
        long sum = Checksum.pseudoHeader(b, srcAt, dstAt, src.length, Checksum.UDP, udpLength);
        int checksum = Checksum.finish(Checksum.add(sum, b, header, udpLength));
        // 0 means "no checksum" in UDP; its ones'-complement twin 0xffff is sent instead.
        b.putShort(header + 6, (short) (checksum == 0 ? 0xffff : checksum));
        return packet;
    }

    private static Problem malformed(Datagram d, String why) {
        d.error = why;
        return Problem.MALFORMED;
    }

    static int u16(ByteBuffer b, int i) {
        return (b.get(i) & 0xff) << 8 | (b.get(i + 1) & 0xff);
    }
}
