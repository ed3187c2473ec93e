package dev.trellis.engine.dns;

import java.util.Objects;

/** One entry of the question section: QNAME (case kept), QTYPE and QCLASS. */
public record DnsQuestion(DnsName name, int type, int dnsClass) {
    public DnsQuestion {
        Objects.requireNonNull(name, "name");
        DnsRecord.checkU16("type", type);
        DnsRecord.checkU16("class", dnsClass);
    }

    /** A question of class IN. */
    public static DnsQuestion of(String name, int type) {
        return new DnsQuestion(DnsName.parse(name), type, DnsType.CLASS_IN);
    }
}
