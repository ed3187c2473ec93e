package dev.trellis.engine.dns;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reverse-lookup names: {@code d.c.b.a.in-addr.arpa} (RFC 1035 §3.5) and the 32-nibble
 * {@code ip6.arpa} form (RFC 3596 §2.5), and the tunnel ranges MagicDNS is authoritative for.
 */
final class ReverseNames {
    static final DnsName IN_ADDR_ARPA = DnsName.parse("in-addr.arpa");
    static final DnsName IP6_ARPA = DnsName.parse("ip6.arpa");
    /** fd7a:115c:a1e0::/48 as the apex of its reverse zone. */
    static final DnsName TUNNEL_V6_ZONE = DnsName.parse("0.e.1.a.c.5.1.1.a.7.d.f.ip6.arpa");
    private static final byte[] TUNNEL_V6_PREFIX = {(byte) 0xfd, 0x7a, 0x11, 0x5c, (byte) 0xa1, (byte) 0xe0};

    private ReverseNames() {}

    /** The address a complete reverse name stands for; empty for anything else. */
    static Optional<InetAddress> parse(DnsName name) {
        List<byte[]> labels = name.labels();
        byte[] addr;
        if (labels.size() == 6 && name.isSubdomainOf(IN_ADDR_ARPA)) {
            addr = new byte[4];
            for (int i = 0; i < 4; i++) {
                int v = decimalOctet(labels.get(i));
                if (v < 0) {
                    return Optional.empty();
                }
                addr[3 - i] = (byte) v;
            }
        } else if (labels.size() == 34 && name.isSubdomainOf(IP6_ARPA)) {
            addr = new byte[16];
            for (int i = 0; i < 32; i++) {
                byte[] l = labels.get(i);
                int nibble = l.length == 1 ? Character.digit(l[0], 16) : -1;
                if (nibble < 0) {
                    return Optional.empty();
                }
                int index = 15 - i / 2;
                addr[index] |= (byte) (i % 2 == 0 ? nibble : nibble << 4);
            }
        } else {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByAddress(addr));
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static int decimalOctet(byte[] label) {
        if (label.length < 1 || label.length > 3 || (label.length > 1 && label[0] == '0')) {
            return -1;
        }
        int v = 0;
        for (byte b : label) {
            if (b < '0' || b > '9') {
                return -1;
            }
            v = v * 10 + (b - '0');
        }
        return v <= 255 ? v : -1;
    }

    /** The reverse name of {@code address}. */
    static DnsName of(InetAddress address) {
        byte[] a = address.getAddress();
        List<byte[]> labels = new ArrayList<>();
        if (a.length == 4) {
            for (int i = 3; i >= 0; i--) {
                labels.add(Integer.toString(a[i] & 0xff).getBytes(StandardCharsets.US_ASCII));
            }
            labels.addAll(IN_ADDR_ARPA.labels());
        } else {
            for (int i = 15; i >= 0; i--) {
                labels.add(new byte[] {(byte) Character.forDigit(a[i] & 0xf, 16)});
                labels.add(new byte[] {(byte) Character.forDigit((a[i] >>> 4) & 0xf, 16)});
            }
            labels.addAll(IP6_ARPA.labels());
        }
        return DnsName.ofLabels(labels);
    }

    /** True for 100.64.0.0/10 and fd7a:115c:a1e0::/48, the ranges Trellis assigns. */
    static boolean isTunnelAddress(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length == 4) {
            return (a[0] & 0xff) == 100 && (a[1] & 0xc0) == 64;
        }
        for (int i = 0; i < TUNNEL_V6_PREFIX.length; i++) {
            if (a[i] != TUNNEL_V6_PREFIX[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The reverse zone apex used in the SOA of a negative answer for a tunnel address: its /16
     * ({@code 65.100.in-addr.arpa}) or the /48 zone.
     */
    static DnsName zoneOf(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length == 4) {
            return DnsName.parse((a[1] & 0xff) + "." + (a[0] & 0xff) + ".in-addr.arpa");
        }
        return TUNNEL_V6_ZONE;
    }
}
