package dev.trellis.engine.dns;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * A resource record. Invariant: {@code rdata} is self-contained: the parser expands
 * compression pointers inside the RDATA of the types that may carry them (NS, CNAME, PTR, SOA,
 * MX), so a record can be written into any other message. The array is copied in and out.
 */
public record DnsRecord(DnsName name, int type, int dnsClass, long ttl, byte[] rdata) {
    public DnsRecord {
        Objects.requireNonNull(name, "name");
        checkU16("type", type);
        checkU16("class", dnsClass);
        if (ttl < 0 || ttl > 0xffff_ffffL) {
            throw new IllegalArgumentException("TTL " + ttl + " is not an unsigned 32-bit value");
        }
        Objects.requireNonNull(rdata, "rdata");
        if (rdata.length > 0xffff) {
            throw new IllegalArgumentException("RDATA of " + rdata.length + " bytes exceeds 65535");
        }
        rdata = rdata.clone();
    }

    public static DnsRecord a(DnsName name, long ttl, Inet4Address address) {
        return new DnsRecord(name, DnsType.A, DnsType.CLASS_IN, ttl, address.getAddress());
    }

    public static DnsRecord aaaa(DnsName name, long ttl, Inet6Address address) {
        return new DnsRecord(name, DnsType.AAAA, DnsType.CLASS_IN, ttl, address.getAddress());
    }

    public static DnsRecord ptr(DnsName name, long ttl, DnsName target) {
        return new DnsRecord(name, DnsType.PTR, DnsType.CLASS_IN, ttl, target.wire());
    }

    /**
     * An SOA record; negative answers carry one in the authority section and resolvers cache
     * the NXDOMAIN/NODATA for min(TTL, minimum) (RFC 2308).
     */
    public static DnsRecord soa(DnsName zone, long ttl, DnsName mname, DnsName rname, long serial,
            int refresh, int retry, int expire, long minimum) {
        byte[] m = mname.wire();
        byte[] r = rname.wire();
        byte[] rd = new byte[m.length + r.length + 20];
        System.arraycopy(m, 0, rd, 0, m.length);
        System.arraycopy(r, 0, rd, m.length, r.length);
        int p = m.length + r.length;
        for (long v : new long[] {serial, refresh, retry, expire, minimum}) {
            rd[p++] = (byte) (v >>> 24);
            rd[p++] = (byte) (v >>> 16);
            rd[p++] = (byte) (v >>> 8);
            rd[p++] = (byte) v;
        }
        return new DnsRecord(zone, DnsType.SOA, DnsType.CLASS_IN, ttl, rd);
    }

    @Override
    public byte[] rdata() {
        return rdata.clone();
    }

    int rdataLength() {
        return rdata.length;
    }

    byte[] rdataUnsafe() {
        return rdata;
    }

    /** The address of an A or AAAA record; empty for other types or a wrong RDATA length. */
    public Optional<InetAddress> address() {
        if ((type == DnsType.A && rdata.length == 4) || (type == DnsType.AAAA && rdata.length == 16)) {
            try {
                return Optional.of(InetAddress.getByAddress(rdata));
            } catch (UnknownHostException e) {
                throw new AssertionError("4 or 16 bytes are always an address", e);
            }
        }
        return Optional.empty();
    }

    /** The target of a PTR, CNAME or NS record; empty for other types. */
    public Optional<DnsName> targetName() {
        if (type != DnsType.PTR && type != DnsType.CNAME && type != DnsType.NS) {
            return Optional.empty();
        }
        return Optional.of(DnsName.ofValidatedWire(rdata.clone()));
    }

    static void checkU16(String what, int v) {
        if (v < 0 || v > 0xffff) {
            throw new IllegalArgumentException(what + " " + v + " is not an unsigned 16-bit value");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DnsRecord r && r.name.equals(name) && r.type == type && r.dnsClass == dnsClass
                && r.ttl == ttl && Arrays.equals(r.rdata, rdata);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, dnsClass, ttl, Arrays.hashCode(rdata));
    }

    @Override
    public String toString() {
        return name + " " + ttl + " class " + dnsClass + " type " + type
                + address().map(a -> " " + a.getHostAddress())
                        .or(() -> targetName().map(n -> " " + n))
                        .orElse(" [" + rdata.length + " bytes]");
    }
}
