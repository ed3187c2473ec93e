package dev.trellis.engine.dns;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A domain name, kept in its uncompressed wire form (length-prefixed labels ending in the root
 * label). Invariants: every label is 1..63 bytes and the whole wire form is at most 255 bytes
 * (RFC 1035 §2.3.4). Equality and hashing ignore ASCII case (RFC 4343) while the original case
 * is kept, so an answer can echo the question exactly as it was asked.
 */
public final class DnsName {
    public static final int MAX_WIRE_LENGTH = 255;
    public static final int MAX_LABEL_LENGTH = 63;
    public static final DnsName ROOT = new DnsName(new byte[] {0});

    private final byte[] wire;
    private final int hash;

    private DnsName(byte[] wire) {
        this.wire = wire;
        int h = 1;
        for (byte b : wire) {
            h = 31 * h + lower(b);
        }
        this.hash = h;
    }

    /**
     * Parses presentation form ({@code www.example.com}, a trailing dot optional, {@code .} for
     * the root). {@code \.}, {@code \\} and {@code \DDD} escapes are understood.
     *
     * @throws IllegalArgumentException if a label is empty or longer than 63 bytes, the name is
     *     longer than 255 bytes, or an escape is malformed
     */
    public static DnsName parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("empty DNS name");
        }
        if (text.equals(".")) {
            return ROOT;
        }
        byte[] out = new byte[MAX_WIRE_LENGTH];
        int len = 0;
        int labelStart = 0;
        int labelLen = 0;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            int b;
            if (c == '.') {
                if (labelLen == 0) {
                    throw new IllegalArgumentException("empty label in DNS name '" + text + "'");
                }
                out[labelStart] = (byte) labelLen;
                labelLen = 0;
                i++;
                continue;
            } else if (c == '\\') {
                if (i + 1 >= text.length()) {
                    throw new IllegalArgumentException("dangling escape in DNS name '" + text + "'");
                }
                char d = text.charAt(i + 1);
                if (d >= '0' && d <= '9') {
                    String digits = text.substring(i + 1, Math.min(text.length(), i + 4));
                    if (digits.length() != 3 || !digits.chars().allMatch(ch -> ch >= '0' && ch <= '9')
                            || Integer.parseInt(digits) > 255) {
                        throw new IllegalArgumentException("bad \\DDD escape in DNS name '" + text + "'");
                    }
                    b = Integer.parseInt(digits);
                    i += 4;
                } else {
                    b = d;
                    if (b > 0x7f) {
                        throw new IllegalArgumentException("non-ASCII character in DNS name '" + text + "'");
                    }
                    i += 2;
                }
            } else {
                b = c;
                i++;
            }
            if (b > 0x7f && c != '\\') {
                // Bytes above 0x7f only as \DDD: an IDN must be given in its xn-- (ACE) form.
                throw new IllegalArgumentException("non-ASCII character in DNS name '" + text + "'");
            }
            if (labelLen == 0) {
                labelStart = len++;
            }
            if (++labelLen > MAX_LABEL_LENGTH) {
                throw new IllegalArgumentException("label longer than 63 bytes in DNS name '" + text + "'");
            }
            if (len + 1 >= MAX_WIRE_LENGTH) { // this byte plus the root label must still fit
                throw new IllegalArgumentException("DNS name longer than 255 bytes: '" + text + "'");
            }
            out[len++] = (byte) b;
        }
        if (labelLen > 0) {
            out[labelStart] = (byte) labelLen;
        }
        out[len++] = 0;
        return new DnsName(Arrays.copyOf(out, len));
    }

    /**
     * Wraps an uncompressed wire form that a reader has already validated; the array is owned by
     * the new name.
     */
    static DnsName ofValidatedWire(byte[] wire) {
        return wire.length == 1 ? ROOT : new DnsName(wire);
    }

    /** The name made of these labels (each 1..63 bytes), most specific first. */
    static DnsName ofLabels(List<byte[]> labels) {
        int len = 1;
        for (byte[] l : labels) {
            if (l.length == 0 || l.length > MAX_LABEL_LENGTH) {
                throw new IllegalArgumentException("label length " + l.length + " not in 1..63");
            }
            len += 1 + l.length;
        }
        if (len > MAX_WIRE_LENGTH) {
            throw new IllegalArgumentException("DNS name longer than 255 bytes");
        }
        byte[] w = new byte[len];
        int p = 0;
        for (byte[] l : labels) {
            w[p++] = (byte) l.length;
            System.arraycopy(l, 0, w, p, l.length);
            p += l.length;
        }
        return ofValidatedWire(w);
    }

    /** The uncompressed wire form; callers must not modify it. */
    byte[] wire() {
        return wire;
    }

    public int wireLength() {
        return wire.length;
    }

    public boolean isRoot() {
        return wire.length == 1;
    }

    /** The labels, most specific first, as raw bytes. */
    public List<byte[]> labels() {
        List<byte[]> out = new ArrayList<>();
        for (int p = 0; wire[p] != 0; p += 1 + wire[p]) {
            out.add(Arrays.copyOfRange(wire, p + 1, p + 1 + wire[p]));
        }
        return out;
    }

    public int labelCount() {
        int n = 0;
        for (int p = 0; wire[p] != 0; p += 1 + wire[p]) {
            n++;
        }
        return n;
    }

    /** True if this name equals {@code suffix} or lies below it, ignoring case. */
    public boolean isSubdomainOf(DnsName suffix) {
        int start = wire.length - suffix.wire.length;
        if (start < 0) {
            return false;
        }
        // The suffix must start on a label boundary of this name, not inside a label.
        int p = 0;
        while (p < start) {
            p += 1 + wire[p];
        }
        return p == start && regionEqualsIgnoreCase(wire, start, suffix.wire, 0, suffix.wire.length);
    }

    /**
     * The leading labels of this name with {@code suffix} removed ({@code alice} for
     * {@code alice.ts.net} relative to {@code ts.net}); the root if they are equal.
     *
     * @throws IllegalArgumentException if this name is not under {@code suffix}
     */
    public DnsName relativeTo(DnsName suffix) {
        if (!isSubdomainOf(suffix)) {
            throw new IllegalArgumentException(this + " is not under " + suffix);
        }
        byte[] w = Arrays.copyOf(wire, wire.length - suffix.wire.length + 1);
        w[w.length - 1] = 0;
        return ofValidatedWire(w);
    }

    /** This name with {@code suffix} appended ({@code alice} + {@code ts.net}). */
    public DnsName append(DnsName suffix) {
        int len = wire.length - 1 + suffix.wire.length;
        if (len > MAX_WIRE_LENGTH) {
            throw new IllegalArgumentException("DNS name longer than 255 bytes: " + this + suffix);
        }
        byte[] w = Arrays.copyOf(wire, len);
        System.arraycopy(suffix.wire, 0, w, wire.length - 1, suffix.wire.length);
        return ofValidatedWire(w);
    }

    /** The name in lower case (ASCII only), for keys and canonical output. */
    public DnsName toLowerCase() {
        byte[] w = wire.clone();
        for (int i = 0; i < w.length; i++) {
            w[i] = lower(w[i]);
        }
        return ofValidatedWire(w);
    }

    /** The wire suffix starting at {@code from}, ASCII-lower-cased, as a map key. */
    static String suffixKey(byte[] wire, int from) {
        char[] c = new char[wire.length - from];
        for (int i = 0; i < c.length; i++) {
            c[i] = (char) (lower(wire[from + i]) & 0xff);
        }
        return new String(c);
    }

    static byte lower(byte b) {
        return b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b;
    }

    static boolean regionEqualsIgnoreCase(byte[] a, int aOff, byte[] b, int bOff, int len) {
        for (int i = 0; i < len; i++) {
            if (lower(a[aOff + i]) != lower(b[bOff + i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DnsName n && n.wire.length == wire.length
                && regionEqualsIgnoreCase(wire, 0, n.wire, 0, wire.length);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /** Presentation form with a trailing dot; special and non-printable bytes escaped. */
    @Override
    public String toString() {
        if (isRoot()) {
            return ".";
        }
        StringBuilder sb = new StringBuilder(wire.length + 8);
        for (int p = 0; wire[p] != 0; p += 1 + wire[p]) {
            for (int i = p + 1; i <= p + wire[p]; i++) {
                int b = wire[i] & 0xff;
                if (b == '.' || b == '\\' || b == '"' || b == ';' || b == '(' || b == ')') {
                    sb.append('\\').append((char) b);
                } else if (b <= 0x20 || b >= 0x7f) {
                    sb.append('\\').append(String.format("%03d", b));
                } else {
                    sb.append((char) b);
                }
            }
            sb.append('.');
        }
        return sb.toString();
    }
}
