package dev.trellis.engine.dns;

/**
 * Bounds-checked reads from one DNS message. Every read checks the remaining length first and
 * throws {@link DnsFormatException}; nothing here can throw an index exception on any input.
 */
final class WireReader {
    /** More pointer hops than a 255-byte name can need; a longer chain is an attack. */
    static final int MAX_POINTER_HOPS = 127;

    private final byte[] buf;
    private final int limit;
    private int pos;

    WireReader(byte[] buf, int pos, int limit) {
        this.buf = buf;
        this.pos = pos;
        this.limit = limit;
    }

    int position() {
        return pos;
    }

    int remaining() {
        return limit - pos;
    }

    private void need(int at, int n, String what) throws DnsFormatException {
        if (n < 0 || at < 0 || at > limit - n) {
            throw new DnsFormatException("message ends inside " + what + " at offset " + at);
        }
    }

    int u8(String what) throws DnsFormatException {
        need(pos, 1, what);
        return buf[pos++] & 0xff;
    }

    int u16(String what) throws DnsFormatException {
        need(pos, 2, what);
        int v = ((buf[pos] & 0xff) << 8) | (buf[pos + 1] & 0xff);
        pos += 2;
        return v;
    }

    long u32(String what) throws DnsFormatException {
        need(pos, 4, what);
        long v = ((long) (buf[pos] & 0xff) << 24) | ((buf[pos + 1] & 0xff) << 16) | ((buf[pos + 2] & 0xff) << 8)
                | (buf[pos + 3] & 0xff);
        pos += 4;
        return v;
    }

    byte[] bytes(int n, String what) throws DnsFormatException {
        need(pos, n, what);
        byte[] out = new byte[n];
        System.arraycopy(buf, pos, out, 0, n);
        pos += n;
        return out;
    }

    void skip(int n, String what) throws DnsFormatException {
        need(pos, n, what);
        pos += n;
    }

    /**
     * Reads a possibly compressed name at the current position and moves past it (past the
     * first pointer, if any). Loop-freedom: every pointer must point strictly before the lowest
     * offset this name has visited so far, so the walk always makes progress towards offset 0,
     * and at most {@link #MAX_POINTER_HOPS} pointers are followed. Pointers may only point into
     * this message: offsets are relative to the start of {@code buf}.
     */
    DnsName name(String what) throws DnsFormatException {
        byte[] out = new byte[DnsName.MAX_WIRE_LENGTH];
        int outLen = 0;
        int p = pos;
        int lowest = pos;
        int hops = 0;
        int resume = -1;
        while (true) {
            need(p, 1, what);
            int len = buf[p] & 0xff;
            if (len == 0) {
                if (outLen + 1 > DnsName.MAX_WIRE_LENGTH) {
                    throw new DnsFormatException(what + " is longer than 255 bytes");
                }
                out[outLen++] = 0;
                p++;
                break;
            }
            switch (len & 0xc0) {
                case 0xc0 -> {
                    need(p, 2, what);
                    int target = ((len & 0x3f) << 8) | (buf[p + 1] & 0xff);
                    if (target >= lowest) {
                        throw new DnsFormatException("compression pointer in " + what + " at offset " + p
                                + " does not point backwards (to " + target + ")");
                    }
                    if (++hops > MAX_POINTER_HOPS) {
                        throw new DnsFormatException("too many compression pointers in " + what);
                    }
                    if (resume < 0) {
                        resume = p + 2;
                    }
                    lowest = target;
                    p = target;
                }
                case 0x00 -> {
                    need(p, 1 + len, what);
                    if (outLen + 1 + len + 1 > DnsName.MAX_WIRE_LENGTH) {
                        throw new DnsFormatException(what + " is longer than 255 bytes");
                    }
                    System.arraycopy(buf, p, out, outLen, 1 + len);
                    outLen += 1 + len;
                    p += 1 + len;
                }
                default -> throw new DnsFormatException("reserved label type 0x" + Integer.toHexString(len & 0xc0)
                        + " in " + what + " at offset " + p);
            }
        }
        pos = resume >= 0 ? resume : p;
        byte[] wire = new byte[outLen];
        System.arraycopy(out, 0, wire, 0, outLen);
        return DnsName.ofValidatedWire(wire);
    }
}
