package dev.trellis.engine.dns;

import java.util.Arrays;
import java.util.Objects;

/**
 * The EDNS(0) pseudo-record (OPT, RFC 6891 §6.1): the sender's UDP payload size, the upper 8
 * bits of the response code, the EDNS version, the DO bit and the raw options. The array is
 * copied in and out.
 */
public record Edns(int udpPayloadSize, int extendedRcode, int version, boolean dnssecOk, byte[] options) {
    /** Smaller advertised sizes are treated as 512 (RFC 6891 §6.2.5). */
    public static final int MIN_UDP_PAYLOAD = 512;

    public Edns {
        DnsRecord.checkU16("EDNS UDP payload size", udpPayloadSize);
        if (extendedRcode < 0 || extendedRcode > 0xff || version < 0 || version > 0xff) {
            throw new IllegalArgumentException("EDNS extended rcode and version are 8-bit values");
        }
        Objects.requireNonNull(options, "options");
        if (options.length > 0xffff) {
            throw new IllegalArgumentException("EDNS options exceed 65535 bytes");
        }
        options = options.clone();
    }

    /** A version 0 OPT with no options. */
    public static Edns of(int udpPayloadSize) {
        return new Edns(udpPayloadSize, 0, 0, false, new byte[0]);
    }

    @Override
    public byte[] options() {
        return options.clone();
    }

    byte[] optionsUnsafe() {
        return options;
    }

    /** The OPT TTL field: extended rcode, version, DO bit and zero flags. */
    long ttlField() {
        return ((long) extendedRcode << 24) | ((long) version << 16) | (dnssecOk ? 0x8000 : 0);
    }

    /** The largest UDP response this sender accepts (never below 512). */
    public int effectiveUdpPayloadSize() {
        return Math.max(MIN_UDP_PAYLOAD, udpPayloadSize);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Edns e && e.udpPayloadSize == udpPayloadSize && e.extendedRcode == extendedRcode
                && e.version == version && e.dnssecOk == dnssecOk && Arrays.equals(e.options, options);
    }

    @Override
    public int hashCode() {
        return Objects.hash(udpPayloadSize, extendedRcode, version, dnssecOk, Arrays.hashCode(options));
    }

    @Override
    public String toString() {
        return "Edns[udp=" + udpPayloadSize + ", ercode=" + extendedRcode + ", version=" + version
                + ", do=" + dnssecOk + ", options=" + options.length + " bytes]";
    }
}
