package dev.trellis.coordinator.store;

import java.net.Inet4Address;
import java.net.Inet6Address;

/**
 * The address plan. A node gets one IPv4 address in 100.64.0.0/10 (CGNAT space, RFC 6598) and the
 * IPv6 address {@code fd7a:115c:a1e0::} + the same 32 bits, so the two always pair up
 * (100.64.0.1 ↔ fd7a:115c:a1e0::6440:1). Addresses are handled as the IPv4 address read as an
 * unsigned 32-bit number (the "index").
 *
 * <p>Never handed to nodes:
 * <ul>
 * <li>100.64.0.0, the network address of the /10;
 * <li>100.100.100.0/24, service addresses (100.100.100.100 is the in-tunnel DNS resolver, as in
 *     Tailscale; the rest of the /24 is kept for future services);
 * <li>100.115.92.0/23, which ChromeOS uses for its VMs inside CGNAT space;
 * <li>100.127.255.0/24, the top of the range (including 100.127.255.255, the /10's broadcast
 *     address), kept for coordinator-side services such as relays.
 * </ul>
 * The IPv6 twins of these stay unused too, and the IPv6 service address
 * {@code fd7a:115c:a1e0::53} can never be a twin (twins' low 32 bits start at 0x64400000).
 */
final class Addresses {
    static final long FIRST = index(100, 64, 0, 0);
    static final long LAST = index(100, 127, 255, 255);
    /** Inclusive [low, high] ranges, sorted, disjoint. */
    private static final long[][] RESERVED = {
        {FIRST, FIRST},
        {index(100, 100, 100, 0), index(100, 100, 100, 255)},
        {index(100, 115, 92, 0), index(100, 115, 93, 255)},
        {index(100, 127, 255, 0), LAST},
    };
    /** How many addresses can be handed out. */
    static final long USABLE;

    static {
        long reserved = 0;
        for (long[] range : RESERVED) {
            reserved += range[1] - range[0] + 1;
        }
        USABLE = LAST - FIRST + 1 - reserved;
    }

    private Addresses() {}

    static long index(int a, int b, int c, int d) {
        return (long) a << 24 | (long) b << 16 | (long) c << 8 | d;
    }

    /** The smallest usable index at or above {@code index}, or -1 if there is none up to {@link #LAST}. */
    static long usableAtOrAfter(long index) {
        long candidate = Math.max(index, FIRST);
        for (long[] range : RESERVED) {
            if (candidate >= range[0] && candidate <= range[1]) {
                candidate = range[1] + 1;
            }
        }
        return candidate <= LAST ? candidate : -1;
    }

    static boolean isUsable(long index) {
        return usableAtOrAfter(index) == index;
    }

    static byte[] ipv4Bytes(long index) {
        return new byte[] {(byte) (index >>> 24), (byte) (index >>> 16), (byte) (index >>> 8), (byte) index};
    }

    static Inet4Address ipv4(long index) {
        return Inet4Address.ofLiteral(ipv4Text(index));
    }

    static String ipv4Text(long index) {
        return (index >>> 24 & 0xff) + "." + (index >>> 16 & 0xff) + "." + (index >>> 8 & 0xff) + "." + (index & 0xff);
    }

    static Inet6Address ipv6(long index) {
        return parseIpv6(ipv6Text(index));
    }

    /** An IPv6 literal that must stay IPv6 ({@code ofLiteral} turns {@code ::ffff:a.b.c.d} into IPv4). */
    static Inet6Address parseIpv6(String text) {
        if (Inet6Address.ofLiteral(text) instanceof Inet6Address v6) {
            return v6;
        }
        throw new IllegalArgumentException("not an IPv6 address: " + text);
    }

    /**
     * RFC 5952 text. Groups 4–6 are always zero and group 7 never is (it starts with 0x64), so the
     * "::" always stands exactly for groups 4–6.
     */
    static String ipv6Text(long index) {
        return "fd7a:115c:a1e0::" + Long.toHexString(index >>> 16 & 0xffff) + ":" + Long.toHexString(index & 0xffff);
    }
}
