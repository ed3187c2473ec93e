package dev.trellis.protocol.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 prefix such as {@code 100.64.0.0/10} or {@code fd7a::/48}. The address is kept
 * masked to the prefix length, so equal prefixes are equal values whatever host bits were given.
 */
public record IpPrefix(byte[] address, int bits) implements Comparable<IpPrefix> {

    public IpPrefix {
        if (address == null || (address.length != 4 && address.length != 16)) {
            throw new IllegalArgumentException("prefix address must be 4 or 16 bytes");
        }
        if (bits < 0 || bits > address.length * 8) {
            throw new IllegalArgumentException("prefix length " + bits + " out of range for "
                    + (address.length == 4 ? "IPv4" : "IPv6"));
        }
        address = mask(address.clone(), bits);
    }

    public static IpPrefix of(InetAddress address, int bits) {
        return new IpPrefix(address.getAddress(), bits);
    }

    /** A single host: /32 or /128. */
    public static IpPrefix host(InetAddress address) {
        return new IpPrefix(address.getAddress(), address.getAddress().length * 8);
    }

    /**
     * Parses {@code ADDR/BITS} or a bare address (a host prefix). Only numeric addresses are
     * accepted: nothing here ever resolves a name.
     */
    public static IpPrefix parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty IP prefix");
        }
        String s = text.strip();
        int slash = s.indexOf('/');
        String addr = slash < 0 ? s : s.substring(0, slash);
        byte[] raw = parseNumericAddress(addr);
        int bits = raw.length * 8;
        if (slash >= 0) {
            String b = s.substring(slash + 1);
            if (b.isEmpty() || b.length() > 3 || !b.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("invalid prefix length in '" + text + "'");
            }
            bits = Integer.parseInt(b);
        }
        return new IpPrefix(raw, bits);
    }

    /**
     * Parses a strict numeric IPv4 or IPv6 literal (brackets allowed around IPv6). Nothing here
     * ever resolves a name.
     */
    public static byte[] parseNumericAddress(String addr) {
        String a = addr.startsWith("[") && addr.endsWith("]") ? addr.substring(1, addr.length() - 1) : addr;
        byte[] raw = IpLiterals.parseAddress(a);
        if (raw == null) {
            throw new IllegalArgumentException("invalid IP address '" + addr + "'");
        }
        return raw;
    }

    private static byte[] mask(byte[] a, int bits) {
        for (int i = 0; i < a.length; i++) {
            int keep = Math.max(0, Math.min(8, bits - i * 8));
            a[i] &= (byte) (0xff << (8 - keep));
        }
        return a;
    }

    public boolean isIpv4() {
        return address.length == 4;
    }

    @Override
    public byte[] address() {
        return address.clone();
    }

    public InetAddress inetAddress() {
        try {
            return InetAddress.getByAddress(address);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** Whether {@code ip} (4 or 16 bytes) lies inside this prefix. */
    public boolean contains(byte[] ip) {
        if (ip.length != address.length) {
            return false;
        }
        int full = bits / 8;
        for (int i = 0; i < full; i++) {
            if (ip[i] != address[i]) {
                return false;
            }
        }
        int rest = bits % 8;
        if (rest == 0) {
            return true;
        }
        int m = 0xff << (8 - rest);
        return (ip[full] & m) == (address[full] & m);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpPrefix p && bits == p.bits && Arrays.equals(address, p.address);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(address) * 31 + bits;
    }

    @Override
    public int compareTo(IpPrefix o) {
        int c = Integer.compare(address.length, o.address.length);
        if (c != 0) {
            return c;
        }
        c = Arrays.compareUnsigned(address, o.address);
        return c != 0 ? c : Integer.compare(bits, o.bits);
    }

    @Override
    public String toString() {
        return IpLiterals.format(address) + "/" + bits;
    }
}
