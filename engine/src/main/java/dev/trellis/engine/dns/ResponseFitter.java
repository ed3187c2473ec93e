package dev.trellis.engine.dns;

import java.util.Optional;

/**
 * Turns an upstream response into the reply to our client without re-encoding it: the client's
 * id restored, the upstream's OPT replaced by ours (EDNS is hop-by-hop, RFC 6891 §6.1.1) or
 * dropped if the client sent none, and the message cut at a record boundary to fit the
 * client's size. Cutting a prefix keeps every compression pointer valid because pointers only
 * point backwards; for the same reason records after the upstream's OPT are dropped rather
 * than moved (in practice the OPT is last).
 */
final class ResponseFitter {
    private ResponseFitter() {}

    /** Whether the reply had to be cut (answer or authority records dropped). */
    record Fitted(byte[] message, boolean truncated) {}

    static Fitted fit(MessageParser.Parsed upstream, byte[] raw, int clientId, int limit,
            Optional<Edns> clientEdns, int ourUdpSize) {
        DnsMessage m = upstream.message();
        int optSize = clientEdns.isPresent() ? 11 : 0;
        int[] starts = upstream.recordStarts();
        int records = starts.length - 1;
        int usable = upstream.optStart() < 0 ? records : indexOf(starts, upstream.optStart());
        int end = upstream.questionEnd();
        int kept = 0;
        while (kept < usable && starts[kept + 1] + optSize <= limit) {
            end = starts[++kept];
        }
        int an = upstream.answerCount();
        int ns = upstream.authorityCount();
        boolean cut = kept < Math.min(usable, an + ns);
        int keptAn = Math.min(kept, an);
        int keptNs = Math.min(Math.max(0, kept - an), ns);
        int keptAr = Math.max(0, kept - an - ns);
        byte[] out = new byte[end + optSize];
        System.arraycopy(raw, 0, out, 0, end);
        int flags = m.flags() | (cut ? DnsMessage.TC : 0) | (m.rcode() & 0xf);
        putU16(out, 0, clientId);
        putU16(out, 2, flags);
        putU16(out, 6, keptAn);
        putU16(out, 8, keptNs);
        putU16(out, 10, keptAr + (optSize > 0 ? 1 : 0));
        if (optSize > 0) {
            int p = end;
            out[p++] = 0; // root owner
            putU16(out, p, DnsType.OPT);
            putU16(out, p + 2, ourUdpSize);
            Edns theirs = m.edns().orElse(Edns.of(0));
            long ttl = ((long) (m.rcode() >>> 4) << 24) | (theirs.dnssecOk() ? 0x8000 : 0);
            putU16(out, p + 4, (int) (ttl >>> 16));
            putU16(out, p + 6, (int) ttl & 0xffff);
            putU16(out, p + 8, 0);
        }
        return new Fitted(out, cut);
    }

    private static int indexOf(int[] starts, int offset) {
        for (int i = 0; i < starts.length; i++) {
            if (starts[i] == offset) {
                return i;
            }
        }
        throw new IllegalStateException("OPT offset " + offset + " is not a record start");
    }

    private static void putU16(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 8);
        b[at + 1] = (byte) v;
    }
}
