package dev.trellis.engine.dns;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Parses whole messages, keeping where each section and record starts so a forwarded response
 * can be cut at a record boundary without re-encoding it (see {@link ResponseFitter}).
 * Section counts are never trusted for allocation: every entry is read from bytes that must be
 * present, so a count that lies ends in a {@link DnsFormatException} after at most one pass
 * over the message.
 */
final class MessageParser {
    private MessageParser() {}

    /**
     * A parsed message and its layout. {@code recordStarts} has one offset per record in wire
     * order (answers, authorities, additionals including the OPT) plus the end offset of the last
     * one; {@code optStart} is the OPT record's offset or -1.
     */
    record Parsed(DnsMessage message, int questionEnd, int answerCount, int authorityCount, int[] recordStarts,
            int optStart) {}

    /** Header and question only, for matching a response to its query cheaply. */
    record Head(int id, int flags, List<DnsQuestion> questions) {}

    static Parsed parse(byte[] msg) throws DnsFormatException {
        if (msg.length > DnsMessage.MAX_SIZE) {
            throw new DnsFormatException("message of " + msg.length + " bytes exceeds 65535");
        }
        WireReader r = new WireReader(msg, 0, msg.length);
        int id = r.u16("header");
        int word = r.u16("header");
        int qd = r.u16("header");
        int an = r.u16("header");
        int ns = r.u16("header");
        int ar = r.u16("header");
        List<DnsQuestion> questions = questions(r, qd);
        int questionEnd = r.position();
        int[] starts = new int[Math.min(an + ns + ar, r.remaining() / 11) + 1];
        int index = 0;
        List<DnsRecord> answers = new ArrayList<>(Math.min(an, 16));
        List<DnsRecord> authorities = new ArrayList<>(Math.min(ns, 16));
        List<DnsRecord> additionals = new ArrayList<>(Math.min(ar, 16));
        Edns edns = null;
        int optStart = -1;
        for (int i = 0; i < an + ns + ar; i++) {
            int start = r.position();
            if (index >= starts.length - 1) {
                throw new DnsFormatException("header counts " + (an + ns + ar) + " records but the message ends at "
                        + start);
            }
            starts[index++] = start;
            String section = i < an ? "answer" : i < an + ns ? "authority" : "additional";
            DnsName name = r.name(section + " record name");
            int type = r.u16(section + " record");
            int cls = r.u16(section + " record");
            long ttl = r.u32(section + " record");
            int rdlength = r.u16(section + " record");
            if (rdlength > r.remaining()) {
                throw new DnsFormatException("RDATA length " + rdlength + " at offset " + start
                        + " runs past the end of the message");
            }
            if (type == DnsType.OPT) {
                if (i < an + ns) {
                    throw new DnsFormatException("OPT record in the " + section + " section");
                }
                if (edns != null) {
                    throw new DnsFormatException("more than one OPT record");
                }
                if (!name.isRoot()) {
                    throw new DnsFormatException("OPT record owner is " + name + ", not the root");
                }
                byte[] options = r.bytes(rdlength, "OPT options");
                edns = new Edns(cls, (int) (ttl >>> 24), (int) (ttl >>> 16) & 0xff, (ttl & 0x8000) != 0, options);
                optStart = start;
                continue;
            }
            byte[] rdata = rdata(msg, r, type, rdlength, section);
            DnsRecord rec = new DnsRecord(name, type, cls, ttl, rdata);
            (i < an ? answers : i < an + ns ? authorities : additionals).add(rec);
        }
        starts[index] = r.position();
        int[] recordStarts = java.util.Arrays.copyOf(starts, index + 1);
        // Bytes after the last record are ignored, as most resolvers do.
        int rcode = (word & 0xf) | (edns == null ? 0 : edns.extendedRcode() << 4);
        DnsMessage m = new DnsMessage(id, word & 0xfff0, rcode, questions, answers, authorities, additionals,
                Optional.ofNullable(edns));
        return new Parsed(m, questionEnd, an, ns, recordStarts, optStart);
    }

    static Head parseHead(byte[] msg, int length) throws DnsFormatException {
        if (length > DnsMessage.MAX_SIZE || length > msg.length) {
            throw new DnsFormatException("message of " + length + " bytes exceeds 65535");
        }
        WireReader r = new WireReader(msg, 0, length);
        int id = r.u16("header");
        int word = r.u16("header");
        int qd = r.u16("header");
        r.skip(6, "header");
        return new Head(id, word, questions(r, qd));
    }

    private static List<DnsQuestion> questions(WireReader r, int qd) throws DnsFormatException {
        List<DnsQuestion> questions = new ArrayList<>(Math.min(qd, 4));
        for (int i = 0; i < qd; i++) {
            DnsName name = r.name("question name");
            questions.add(new DnsQuestion(name, r.u16("question"), r.u16("question")));
        }
        return questions;
    }

    /**
     * RDATA with any compressed names expanded. The names must use exactly {@code rdlength}
     * bytes: a pointer cannot make RDATA borrow bytes beyond its own length.
     */
    private static byte[] rdata(byte[] msg, WireReader r, int type, int rdlength, String section)
            throws DnsFormatException {
        int start = r.position();
        int end = start + rdlength;
        WireReader rd = new WireReader(msg, start, end);
        byte[] out;
        switch (type) {
            case DnsType.NS, DnsType.CNAME, DnsType.PTR -> out = rd.name(section + " RDATA name").wire();
            case DnsType.MX -> {
                int pref = rd.u16("MX preference");
                byte[] n = rd.name("MX exchange").wire();
                out = new byte[2 + n.length];
                out[0] = (byte) (pref >>> 8);
                out[1] = (byte) pref;
                System.arraycopy(n, 0, out, 2, n.length);
            }
            case DnsType.SOA -> {
                byte[] m = rd.name("SOA mname").wire();
                byte[] n = rd.name("SOA rname").wire();
                byte[] tail = rd.bytes(20, "SOA counters");
                out = new byte[m.length + n.length + 20];
                System.arraycopy(m, 0, out, 0, m.length);
                System.arraycopy(n, 0, out, m.length, n.length);
                System.arraycopy(tail, 0, out, m.length + n.length, 20);
            }
            default -> out = rd.bytes(rdlength, section + " RDATA");
        }
        if (rd.position() != end) {
            throw new DnsFormatException("RDATA of type " + type + " at offset " + start + " is "
                    + (end - start) + " bytes but its content is " + (rd.position() - start));
        }
        r.skip(rdlength, section + " RDATA");
        return out;
    }
}
