package dev.trellis.engine.dns;

import java.util.List;
import java.util.Optional;

/**
 * What an incoming payload is: dropped without reply, answered at once with an error
 * ({@code immediate}), or a valid standard query with exactly one question to resolve.
 */
record Query(DnsMessage message, DnsMessage immediate, boolean dropped, boolean countsAsMalformed) {
    private static final Query DROP = new Query(null, null, true, true);

    static Query classify(byte[] payload, int ourUdpSize) {
        if (payload == null || payload.length < DnsMessage.HEADER_SIZE || payload.length > DnsMessage.MAX_SIZE) {
            return DROP;
        }
        int id = ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
        int word = ((payload[2] & 0xff) << 8) | (payload[3] & 0xff);
        if ((word & DnsMessage.QR) != 0) {
            return DROP; // a response: answering it could start a loop between two servers
        }
        DnsMessage m;
        try {
            m = DnsMessage.parse(payload);
        } catch (DnsFormatException e) {
            return new Query(null, headerOnly(id, word, DnsRcode.FORMERR), false, true);
        }
        if (m.questions().size() != 1) {
            int rcode = m.opcode() != DnsMessage.OPCODE_QUERY ? DnsRcode.NOTIMP : DnsRcode.FORMERR;
            return new Query(m, headerOnly(id, word, rcode), false, rcode == DnsRcode.FORMERR);
        }
        if (m.opcode() != DnsMessage.OPCODE_QUERY) {
            return new Query(m, error(m, DnsRcode.NOTIMP, ourUdpSize), false, false);
        }
        if (m.edns().isPresent() && m.edns().get().version() != 0) {
            return new Query(m, error(m, DnsRcode.BADVERS, ourUdpSize), false, false); // RFC 6891 §6.1.3
        }
        return new Query(m, null, false, false);
    }

    /**
     * An error without the question section: for a question we could not read, or a count of
     * questions other than one, which we do not echo (it could exceed the client's size).
     */
    private static DnsMessage headerOnly(int id, int word, int rcode) {
        int flags = DnsMessage.QR | DnsMessage.RA | (word & (0x7800 | DnsMessage.RD));
        return new DnsMessage(id, flags, rcode, List.of(), List.of(), List.of(), List.of(), Optional.empty());
    }

    private static DnsMessage error(DnsMessage query, int rcode, int ourUdpSize) {
        return DnsMessage.responseTo(query, rcode, false, List.of(), List.of(), ourUdpSize);
    }
}
