package dev.trellis.protocol.net;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * Strict numeric IP text, parsed and printed the way Go's {@code net/netip} does, because UAPI
 * clients are written against wireguard-go. Nothing here ever resolves a name: the JDK's
 * {@code InetAddress.getByName} falls back to DNS on odd input, so it is not used.
 *
 * <p>Accepted: dotted-quad IPv4 without leading zeros; RFC 4291 IPv6 with at most one
 * {@code ::} and an optional trailing dotted quad. Refused: zones ({@code %eth0}), which
 * wireguard-go accepts in endpoints but Trellis has no way to bind to.
 *
 * <p>Printed: RFC 5952 (lower case, longest run of two or more zero groups as {@code ::}, the
 * first if tied), and IPv4-mapped addresses as {@code ::ffff:a.b.c.d}, exactly as Go prints them.
 */
public final class IpLiterals {
    private IpLiterals() {}

    /** The 4 or 16 address bytes of {@code s}, or null if it is not a strict numeric literal. */
    public static byte[] parseAddress(String s) {
        return s.indexOf(':') >= 0 ? parseIpv6(s) : parseIpv4(s, 0, s.length());
    }

    /**
     * An {@code a.b.c.d:port} or {@code [v6]:port} endpoint, or null. As in Go's
     * {@code netip.ParseAddrPort}, brackets are required for IPv6 and refused for IPv4, and the
     * port may have leading zeros.
     */
    public static InetSocketAddress parseEndpoint(String s) {
        String host;
        String port;
        boolean bracketed = s.startsWith("[");
        if (bracketed) {
            int close = s.indexOf("]:");
            if (close < 0) {
                return null;
            }
            host = s.substring(1, close);
            port = s.substring(close + 2);
        } else {
            int colon = s.lastIndexOf(':');
            if (colon < 0) {
                return null;
            }
            host = s.substring(0, colon);
            port = s.substring(colon + 1);
        }
        byte[] raw = parseAddress(host);
        long p = Decimal.parseUnsigned(port, 0xffff);
        if (raw == null || p < 0 || bracketed != (raw.length == 16)) {
            return null;
        }
        return new InetSocketAddress(toInetAddress(raw), (int) p);
    }

    /**
     * Keeps IPv6 as {@link Inet6Address} even when IPv4-mapped (the JDK would otherwise turn
     * {@code ::ffff:1.2.3.4} into an IPv4 address), so that a get reply echoes what was set.
     */
    public static InetAddress toInetAddress(byte[] raw) {
        try {
            return raw.length == 16 ? Inet6Address.getByAddress(null, raw, -1) : InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new AssertionError("address of length " + raw.length, e);
        }
    }

    /** {@code ip:port}, or {@code [ip6]:port}, the address in its canonical text form. */
    public static String formatEndpoint(InetSocketAddress endpoint) {
        StringBuilder sb = new StringBuilder(48);
        try {
            appendEndpoint(endpoint, sb);
        } catch (IOException e) {
            throw new AssertionError("a StringBuilder does not fail", e);
        }
        return sb.toString();
    }

    public static void appendEndpoint(InetSocketAddress endpoint, Appendable out) throws IOException {
        byte[] raw = endpoint.getAddress().getAddress();
        if (raw.length == 16) {
            out.append('[');
            appendAddress(raw, out);
            out.append(']');
        } else {
            appendAddress(raw, out);
        }
        out.append(':').append(Integer.toString(endpoint.getPort()));
    }

    public static void appendAddress(byte[] raw, Appendable out) throws IOException {
        if (raw.length == 4) {
            appendIpv4(raw, 0, out);
            return;
        }
        if (isIpv4Mapped(raw)) {
            out.append("::ffff:");
            appendIpv4(raw, 12, out);
            return;
        }
        int zeroStart = -1;
        int zeroEnd = -1;
        for (int i = 0; i < 8; i++) {
            int j = i;
            while (j < 8 && group(raw, j) == 0) {
                j++;
            }
            if (j - i >= 2 && j - i > zeroEnd - zeroStart) {
                zeroStart = i;
                zeroEnd = j;
            }
        }
        for (int i = 0; i < 8; i++) {
            if (i == zeroStart) {
                out.append("::");
                i = zeroEnd - 1;
                continue;
            }
            if (i > 0 && i != zeroEnd) {
                out.append(':');
            }
            out.append(Integer.toHexString(group(raw, i)));
        }
    }

    public static String format(byte[] raw) {
        StringBuilder sb = new StringBuilder(39);
        try {
            appendAddress(raw, sb);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return sb.toString();
    }

    private static boolean isIpv4Mapped(byte[] raw) {
        for (int i = 0; i < 10; i++) {
            if (raw[i] != 0) {
                return false;
            }
        }
        return raw[10] == (byte) 0xff && raw[11] == (byte) 0xff;
    }

    private static int group(byte[] raw, int i) {
        return ((raw[2 * i] & 0xff) << 8) | (raw[2 * i + 1] & 0xff);
    }

    private static void appendIpv4(byte[] raw, int off, Appendable out) throws IOException {
        for (int i = 0; i < 4; i++) {
            if (i > 0) {
                out.append('.');
            }
            out.append(Integer.toString(raw[off + i] & 0xff));
        }
    }

    private static byte[] parseIpv4(String s, int from, int to) {
        byte[] out = new byte[4];
        int field = 0;
        int pos = from;
        while (true) {
            int start = pos;
            int value = 0;
            while (pos < to && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
                value = value * 10 + (s.charAt(pos) - '0');
                pos++;
                if (pos - start > 3) {
                    return null;
                }
            }
            int len = pos - start;
            if (len == 0 || value > 255 || (len > 1 && s.charAt(start) == '0')) {
                return null;
            }
            out[field++] = (byte) value;
            if (field == 4) {
                return pos == to ? out : null;
            }
            if (pos >= to || s.charAt(pos) != '.') {
                return null;
            }
            pos++;
        }
    }

    /** ASCII only: {@link Character#digit} would also take other scripts' digits. */
    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private static byte[] parseIpv6(String s) {
        byte[] ip = new byte[16];
        int len = s.length();
        int ellipsis = -1; // byte offset where "::" stands
        int i = 0;
        int n = 0;
        if (len >= 2 && s.charAt(0) == ':' && s.charAt(1) == ':') {
            ellipsis = 0;
            i = 2;
            if (i == len) {
                return ip;
            }
        }
        while (n < 16) {
            int start = i;
            int acc = 0;
            while (i < len && hexValue(s.charAt(i)) >= 0) {
                acc = (acc << 4) | hexValue(s.charAt(i));
                i++;
                if (i - start > 4) {
                    return null;
                }
            }
            if (i == start) {
                return null;
            }
            if (i < len && s.charAt(i) == '.') {
                if ((ellipsis < 0 && n != 12) || n + 4 > 16) {
                    return null;
                }
                byte[] v4 = parseIpv4(s, start, len);
                if (v4 == null) {
                    return null;
                }
                System.arraycopy(v4, 0, ip, n, 4);
                n += 4;
                i = len;
                break;
            }
            ip[n++] = (byte) (acc >> 8);
            ip[n++] = (byte) acc;
            if (i == len) {
                break;
            }
            if (s.charAt(i) != ':' || i + 1 == len) {
                return null;
            }
            i++;
            if (s.charAt(i) == ':') {
                if (ellipsis >= 0) {
                    return null;
                }
                ellipsis = n;
                i++;
                if (i == len) {
                    break;
                }
            }
        }
        if (i != len) {
            return null;
        }
        if (n < 16) {
            if (ellipsis < 0) {
                return null;
            }
            int tail = n - ellipsis;
            System.arraycopy(ip, ellipsis, ip, 16 - tail, tail);
            Arrays.fill(ip, ellipsis, 16 - tail, (byte) 0);
        } else if (ellipsis >= 0) {
            return null; // "::" must stand for at least one zero group
        }
        return ip;
    }
}
