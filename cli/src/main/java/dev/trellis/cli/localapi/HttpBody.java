package dev.trellis.cli.localapi;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ProtocolException;
import java.util.List;
import java.util.Locale;

/**
 * A response body, framed as RFC 9112 section 6.3 says: none, chunked, Content-Length, or until
 * the connection closes. Reads return -1 at the end of the body; a body cut short is an error,
 * never a silent truncation.
 */
abstract sealed class HttpBody {

    abstract int read(byte[] dst, int off, int len, Deadline deadline) throws IOException;

    /** The framing that {@code head} announces, for a response to {@code method}. */
    static HttpBody of(UnixHttpConnection conn, ResponseHead head, String method) throws IOException {
        int status = head.status();
        if (method.equals("HEAD") || status == 204 || status == 304) {
            return new Fixed(conn, 0);
        }
        List<String> te = head.all("transfer-encoding");
        if (!te.isEmpty()) {
            String last = te.getLast();
            int comma = last.lastIndexOf(',');
            String coding = (comma < 0 ? last : last.substring(comma + 1)).strip().toLowerCase(Locale.ROOT);
            // A response whose final coding is not chunked is delimited by the close.
            return coding.equals("chunked") ? new Chunked(conn) : new UntilClose(conn);
        }
        List<String> cl = head.all("content-length");
        if (!cl.isEmpty()) {
            long length = -1;
            for (String v : cl) {
                for (String part : v.split(",", -1)) {
                    long n = parseLength(part.strip());
                    if (length >= 0 && n != length) {
                        throw new ProtocolException("conflicting Content-Length values");
                    }
                    length = n;
                }
            }
            return new Fixed(conn, length);
        }
        return new UntilClose(conn);
    }

    private static long parseLength(String s) throws ProtocolException {
        if (s.isEmpty() || s.length() > 18 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new ProtocolException("bad Content-Length: " + UnixHttpConnection.printable(s));
        }
        return Long.parseLong(s);
    }

    /**
     * The whole body, refusing more than {@code max} bytes before reading them: a declared
     * length is checked up front, a chunked or close-delimited body as it arrives.
     */
    byte[] readAll(long max, Deadline deadline) throws IOException {
        if (this instanceof Fixed f && f.remaining > max) {
            throw new ProtocolException("reply of " + f.remaining + " bytes exceeds the limit of " + max);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = read(buf, 0, buf.length, deadline)) >= 0) {
            if (out.size() + (long) n > max) {
                throw new ProtocolException("reply exceeds the limit of " + max + " bytes");
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    /** Exactly {@code remaining} bytes. */
    static final class Fixed extends HttpBody {
        private final UnixHttpConnection conn;
        private long remaining;

        Fixed(UnixHttpConnection conn, long length) {
            this.conn = conn;
            this.remaining = length;
        }

        @Override
        int read(byte[] dst, int off, int len, Deadline deadline) throws IOException {
            if (remaining == 0) {
                return -1;
            }
            int n = conn.read(dst, off, (int) Math.min(len, remaining), deadline);
            if (n < 0) {
                throw new ProtocolException("connection closed with " + remaining + " body bytes missing");
            }
            remaining -= n;
            return n;
        }
    }

    /** Everything until the server closes the connection. */
    static final class UntilClose extends HttpBody {
        private final UnixHttpConnection conn;

        UntilClose(UnixHttpConnection conn) {
            this.conn = conn;
        }

        @Override
        int read(byte[] dst, int off, int len, Deadline deadline) throws IOException {
            return conn.read(dst, off, len, deadline);
        }
    }

    /** Chunked transfer coding; extensions and trailer fields are read and ignored. */
    static final class Chunked extends HttpBody {
        /** Chunk sizes above this are refused: 15 hex digits, far beyond any sane chunk. */
        private static final int MAX_SIZE_DIGITS = 15;

        private final UnixHttpConnection conn;
        private long left; // bytes left in the current chunk
        private boolean done;

        Chunked(UnixHttpConnection conn) {
            this.conn = conn;
        }

        @Override
        int read(byte[] dst, int off, int len, Deadline deadline) throws IOException {
            while (left == 0) {
                if (done) {
                    return -1;
                }
                startChunk(deadline);
            }
            int n = conn.read(dst, off, (int) Math.min(len, left), deadline);
            if (n < 0) {
                throw new ProtocolException("connection closed inside a chunk");
            }
            left -= n;
            if (left == 0) {
                expectCrlf(deadline);
            }
            return n;
        }

        private void startChunk(Deadline deadline) throws IOException {
            String line = conn.readLine(deadline);
            if (line == null) {
                throw new ProtocolException("connection closed before the last chunk");
            }
            int semi = line.indexOf(';');
            String hex = (semi < 0 ? line : line.substring(0, semi)).strip();
            if (hex.isEmpty() || hex.length() > MAX_SIZE_DIGITS
                    || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                throw new ProtocolException("bad chunk size: " + UnixHttpConnection.printable(line));
            }
            left = Long.parseLong(hex, 16);
            if (left == 0) {
                done = true;
                skipTrailers(deadline);
            }
        }

        private void expectCrlf(Deadline deadline) throws IOException {
            String rest = conn.readLine(deadline);
            if (rest == null || !rest.isEmpty()) {
                throw new ProtocolException("chunk not followed by CRLF");
            }
        }

        private void skipTrailers(Deadline deadline) throws IOException {
            for (int i = 0; i <= UnixHttpConnection.MAX_HEADERS; i++) {
                String line = conn.readLine(deadline);
                if (line == null || line.isEmpty()) {
                    return; // a close right after the last chunk is tolerated
                }
            }
            throw new ProtocolException("too many trailer fields");
        }
    }
}
