package dev.trellis.engine.dns;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A DNS message (RFC 1035 §4.1). {@code flags} is the header's second 16-bit word without its
 * RCODE nibble; {@code rcode} is the full response code, whose upper 8 bits travel in the OPT
 * record (so a value above 15 needs {@code edns}). The OPT record is not in {@code additionals}:
 * it is {@code edns}.
 */
public record DnsMessage(int id, int flags, int rcode, List<DnsQuestion> questions, List<DnsRecord> answers,
        List<DnsRecord> authorities, List<DnsRecord> additionals, Optional<Edns> edns) {
    public static final int QR = 0x8000;
    public static final int AA = 0x0400;
    public static final int TC = 0x0200;
    public static final int RD = 0x0100;
    public static final int RA = 0x0080;
    public static final int AD = 0x0020;
    public static final int CD = 0x0010;
    public static final int OPCODE_QUERY = 0;
    /** The largest DNS message: TCP's 16-bit length prefix, and the UDP payload limit. */
    public static final int MAX_SIZE = 65_535;
    /** The UDP limit for a client without EDNS (RFC 1035 §4.2.1). */
    public static final int CLASSIC_UDP_SIZE = 512;
    static final int HEADER_SIZE = 12;

    public DnsMessage {
        DnsRecord.checkU16("id", id);
        if ((flags & ~0xfff0) != 0) {
            throw new IllegalArgumentException("flags must not carry RCODE bits: 0x" + Integer.toHexString(flags));
        }
        if (rcode < 0 || rcode > 0xfff || (rcode > 15 && edns.isEmpty())) {
            throw new IllegalArgumentException("rcode " + rcode + " does not fit"
                    + (edns.isEmpty() ? " without EDNS" : " in 12 bits"));
        }
        questions = List.copyOf(questions);
        answers = List.copyOf(answers);
        authorities = List.copyOf(authorities);
        additionals = List.copyOf(additionals);
        Objects.requireNonNull(edns, "edns");
        if (questions.size() > 0xffff || answers.size() > 0xffff || authorities.size() > 0xffff
                || additionals.size() + (edns.isPresent() ? 1 : 0) > 0xffff) {
            throw new IllegalArgumentException("a section holds more than 65535 entries");
        }
    }

    /** A standard query with RD set, as a stub resolver sends it. */
    public static DnsMessage query(int id, DnsQuestion question, Optional<Edns> edns) {
        return new DnsMessage(id, RD, DnsRcode.NOERROR, List.of(question), List.of(), List.of(), List.of(), edns);
    }

    /**
     * The response to {@code query}: same id, opcode, RD and CD, its questions echoed as asked,
     * QR and RA set, {@code aa} as given; an OPT of {@code ourUdpSize} if the query had one.
     */
    public static DnsMessage responseTo(DnsMessage query, int rcode, boolean aa, List<DnsRecord> answers,
            List<DnsRecord> authorities, int ourUdpSize) {
        int flags = QR | RA | (query.flags & (0x7800 | RD | CD)) | (aa ? AA : 0);
        Optional<Edns> edns = query.edns.map(e -> Edns.of(ourUdpSize));
        if (rcode > 15 && edns.isEmpty()) {
            throw new IllegalArgumentException("extended rcode " + rcode + " needs an EDNS query");
        }
        return new DnsMessage(query.id, flags, rcode, query.questions, answers, authorities, List.of(), edns);
    }

    public static DnsMessage parse(byte[] message) throws DnsFormatException {
        return MessageParser.parse(message).message();
    }

    /** The wire form; must fit {@link #MAX_SIZE}. */
    public byte[] encode() {
        return MessageWriter.encode(this, MAX_SIZE);
    }

    /**
     * The wire form cut to at most {@code maxSize} bytes: whole records are dropped from the end
     * (the OPT record always kept) and TC set if any answer or authority record was dropped.
     */
    public byte[] encode(int maxSize) {
        return MessageWriter.encode(this, maxSize);
    }

    public boolean isResponse() {
        return (flags & QR) != 0;
    }

    public int opcode() {
        return (flags >>> 11) & 0xf;
    }

    public boolean isTruncated() {
        return (flags & TC) != 0;
    }

    public boolean isAuthoritative() {
        return (flags & AA) != 0;
    }

    public boolean isRecursionDesired() {
        return (flags & RD) != 0;
    }

    public DnsMessage withId(int newId) {
        return new DnsMessage(newId, flags, rcode, questions, answers, authorities, additionals, edns);
    }

    public DnsMessage withFlags(int newFlags) {
        return new DnsMessage(id, newFlags, rcode, questions, answers, authorities, additionals, edns);
    }

    /** The largest UDP response the sender of this query accepts: 512 without EDNS. */
    public int requestorUdpSize() {
        return edns.map(Edns::effectiveUdpPayloadSize).orElse(CLASSIC_UDP_SIZE);
    }
}
