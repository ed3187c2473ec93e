package dev.trellis.engine.dns;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Encodes messages, compressing owner names against earlier names (RFC 1035 §4.1.4) and cutting
 * at a record boundary to fit a size. Cutting is safe because compression pointers only point
 * backwards: everything before the cut stays valid.
 */
final class MessageWriter {
    private final byte[] buf;
    private int pos;
    /** Lower-cased wire suffix → offset of its first occurrence (only offsets below 0x4000). */
    private final Map<String, Integer> suffixes = new HashMap<>();

    private MessageWriter(int capacity) {
        this.buf = new byte[capacity];
    }

    static byte[] encode(DnsMessage m, int maxSize) {
        if (maxSize < DnsMessage.HEADER_SIZE || maxSize > DnsMessage.MAX_SIZE) {
            throw new IllegalArgumentException("maximum message size " + maxSize + " not in 12..65535");
        }
        MessageWriter w = new MessageWriter(DnsMessage.MAX_SIZE);
        w.pos = DnsMessage.HEADER_SIZE;
        int optSize = m.edns().map(e -> 11 + e.optionsUnsafe().length).orElse(0);
        for (DnsQuestion q : m.questions()) {
            if (w.pos + w.nameSize(q.name()) + 4 + optSize > maxSize) {
                throw new IllegalArgumentException("the question section alone exceeds the size limit " + maxSize);
            }
            w.name(q.name());
            w.u16(q.type());
            w.u16(q.dnsClass());
        }
        boolean truncated = false;
        int[] counts = new int[3];
        List<List<DnsRecord>> sections = List.of(m.answers(), m.authorities(), m.additionals());
        outer:
        for (int s = 0; s < 3; s++) {
            for (DnsRecord rec : sections.get(s)) {
                if (!w.tryRecord(rec, maxSize - optSize)) {
                    // Dropping additional data alone does not set TC (RFC 2181 §9).
                    truncated = s < 2;
                    break outer;
                }
                counts[s]++;
            }
        }
        m.edns().ifPresent(e -> {
            w.u8(0);
            w.u16(DnsType.OPT);
            w.u16(e.udpPayloadSize());
            long ttl = (e.ttlField() & 0x00ff_ffffL) | ((long) (m.rcode() >>> 4) << 24);
            w.u32(ttl);
            w.u16(e.optionsUnsafe().length);
            w.bytes(e.optionsUnsafe());
        });
        int flags = m.flags() | (truncated ? DnsMessage.TC : 0) | (m.rcode() & 0xf);
        w.pos = writeHeader(w.buf, m.id(), flags, m.questions().size(), counts, m.edns().isPresent(), w.pos);
        byte[] out = new byte[w.pos];
        System.arraycopy(w.buf, 0, out, 0, w.pos);
        return out;
    }

    private static int writeHeader(byte[] b, int id, int flags, int qd, int[] counts, boolean opt, int end) {
        int[] words = {id, flags, qd, counts[0], counts[1], counts[2] + (opt ? 1 : 0)};
        for (int i = 0; i < words.length; i++) {
            b[2 * i] = (byte) (words[i] >>> 8);
            b[2 * i + 1] = (byte) words[i];
        }
        return end;
    }

    /** Writes the record if it fits below {@code limit}; writes nothing otherwise. */
    private boolean tryRecord(DnsRecord rec, int limit) {
        if (pos + nameSize(rec.name()) + 10 + rec.rdataLength() > limit) {
            return false;
        }
        name(rec.name());
        u16(rec.type());
        u16(rec.dnsClass());
        u32(rec.ttl());
        u16(rec.rdataLength());
        bytes(rec.rdataUnsafe());
        return true;
    }

    /** The bytes {@link #name} would write now. */
    private int nameSize(DnsName name) {
        byte[] wire = name.wire();
        for (int p = 0; wire[p] != 0; p += 1 + wire[p]) {
            if (suffixes.containsKey(DnsName.suffixKey(wire, p))) {
                return p + 2;
            }
        }
        return wire.length;
    }

    private void name(DnsName name) {
        byte[] wire = name.wire();
        for (int p = 0; wire[p] != 0; p += 1 + wire[p]) {
            String key = DnsName.suffixKey(wire, p);
            Integer at = suffixes.get(key);
            if (at != null) {
                u16(0xc000 | at);
                return;
            }
            if (pos < 0x4000) {
                suffixes.put(key, pos);
            }
            System.arraycopy(wire, p, buf, pos, 1 + wire[p]);
            pos += 1 + wire[p];
        }
        u8(0);
    }

    private void u8(int v) {
        buf[pos++] = (byte) v;
    }

    private void u16(int v) {
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
    }

    private void u32(long v) {
        u16((int) (v >>> 16) & 0xffff);
        u16((int) v & 0xffff);
    }

    private void bytes(byte[] b) {
        System.arraycopy(b, 0, buf, pos, b.length);
        pos += b.length;
    }
}
