package dev.trellis.engine.dns;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds raw DNS bytes by hand, so tests can write messages the encoder never would. */
final class Wire {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static Wire header(int id, int flags, int qd, int an, int ns, int ar) {
        return new Wire().u16(id).u16(flags).u16(qd).u16(an).u16(ns).u16(ar);
    }

    Wire u8(int v) {
        out.write(v);
        return this;
    }

    Wire u16(int v) {
        out.write(v >>> 8);
        out.write(v);
        return this;
    }

    Wire u32(long v) {
        return u16((int) (v >>> 16) & 0xffff).u16((int) v & 0xffff);
    }

    /** Labels of a dotted name, ending with the root label. */
    Wire name(String dotted) {
        labels(dotted);
        return u8(0);
    }

    /** Labels without the terminating root label (to follow with a pointer). */
    Wire labels(String dotted) {
        for (String l : dotted.split("\\.")) {
            if (!l.isEmpty()) {
                byte[] b = l.getBytes(StandardCharsets.US_ASCII);
                out.write(b.length);
                out.writeBytes(b);
            }
        }
        return this;
    }

    Wire pointer(int offset) {
        return u16(0xc000 | offset);
    }

    Wire bytes(int... b) {
        for (int v : b) {
            out.write(v);
        }
        return this;
    }

    int size() {
        return out.size();
    }

    byte[] build() {
        return out.toByteArray();
    }
}
