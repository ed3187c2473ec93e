package dev.trellis.engine.filter;

import dev.trellis.protocol.net.IpLiterals;

/** Packets as log text, e.g. {@code TCP 100.64.0.2:51234 → 100.64.0.3:80}. Not on the hot path. */
final class PacketText {
    private PacketText() {
    }

    static String describe(Packet p, int length) {
        if (p.error != null || p.version == 0) {
            String family = p.version == 4 ? "IPv4 " : p.version == 6 ? "IPv6 " : "";
            return length + "-byte " + family + "packet";
        }
        StringBuilder s = new StringBuilder(protocol(p));
        if (p.icmp) {
            s.append(" type ").append(p.icmpType).append(" code ").append(p.icmpCode);
        }
        if (p.fragment == Packet.LATER_FRAGMENT) {
            s.append(" fragment (offset ").append(p.fragmentOffset).append(", id ").append(p.fragmentId).append(')');
        }
        s.append(' ');
        endpoint(s, p, p.srcHi, p.srcLo, p.srcPort);
        s.append(" → ");
        endpoint(s, p, p.dstHi, p.dstLo, p.dstPort);
        return s.toString();
    }

    private static String protocol(Packet p) {
        return switch (p.proto) {
            case Packet.TCP -> "TCP";
            case Packet.UDP -> "UDP";
            case Packet.SCTP -> "SCTP";
            case Packet.ICMP -> "ICMP";
            case Packet.ICMPV6 -> "ICMPv6";
            default -> "IP protocol " + p.proto;
        };
    }

    private static void endpoint(StringBuilder s, Packet p, long hi, long lo, int port) {
        String address = IpLiterals.format(bytes(p.version, hi, lo));
        boolean ports = p.hasPorts && p.fragment != Packet.LATER_FRAGMENT;
        if (ports && p.isV6()) {
            s.append('[').append(address).append("]:").append(port);
        } else if (ports) {
            s.append(address).append(':').append(port);
        } else {
            s.append(address);
        }
    }

    /** An address in {@link Packet}'s two-long form as 4 or 16 bytes. */
    static byte[] bytes(int version, long hi, long lo) {
        byte[] a = new byte[version == 4 ? 4 : 16];
        if (version == 4) {
            for (int i = 0; i < 4; i++) {
                a[i] = (byte) (lo >>> (24 - 8 * i));
            }
        } else {
            for (int i = 0; i < 8; i++) {
                a[i] = (byte) (hi >>> (56 - 8 * i));
                a[8 + i] = (byte) (lo >>> (56 - 8 * i));
            }
        }
        return a;
    }
}
