package dev.trellis.protocol.http;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * A message body read from a {@link ConnectionInput}: fixed length, chunked, or until the peer
 * closes. It ends exactly where the message ends so the next message on the connection starts
 * cleanly. Closing it does not close the connection.
 */
abstract sealed class BodyInput extends InputStream {
    static final BodyInput EMPTY = new Fixed(null, 0);

    /** True once the whole body has been read. */
    abstract boolean complete();

    /** Reads and discards up to {@code max} bytes; true if the body ended within them. */
    final boolean drain(long max) throws IOException {
        byte[] scratch = new byte[8192];
        long left = max;
        while (!complete()) {
            if (left <= 0) {
                return false;
            }
            int n = read(scratch, 0, (int) Math.min(scratch.length, left));
            if (n < 0) {
                break;
            }
            left -= n;
        }
        return complete();
    }

    /** The rest of the body, or {@link HttpStatusException} {@code tooLargeStatus} beyond {@code max} bytes. */
    final byte[] readAll(long max, int tooLargeStatus) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] scratch = new byte[8192];
        int n;
        while ((n = read(scratch, 0, scratch.length)) >= 0) {
            if (all.size() + (long) n > max) {
                throw new HttpStatusException(tooLargeStatus, "body is larger than " + max + " bytes");
            }
            all.write(scratch, 0, n);
        }
        return all.toByteArray();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public void close() {
        // the connection outlives its messages
    }

    static final class Fixed extends BodyInput {
        private final ConnectionInput in;
        private final long length;
        private long remaining;

        Fixed(ConnectionInput in, long length) {
            this.in = in;
            this.length = length;
            this.remaining = length;
        }

        @Override
        boolean complete() {
            return remaining == 0;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining == 0) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
                throw new EOFException("connection closed after " + (length - remaining) + " of " + length + " body bytes");
            }
            remaining -= n;
            return n;
        }

        @Override
        public int available() {
            return remaining == 0 ? 0 : (int) Math.min(in.available(), remaining);
        }
    }

    /** Reads until end of stream: only responses without Content-Length or chunking. */
    static final class UntilClose extends BodyInput {
        private final ConnectionInput in;
        private boolean ended;

        UntilClose(ConnectionInput in) {
            this.in = in;
        }

        @Override
        boolean complete() {
            return ended;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (ended) {
                return -1;
            }
            int n = in.read(b, off, len);
            if (n < 0) {
                ended = true;
            }
            return n;
        }
    }

    /**
     * RFC 9112 section 7.1. Chunk sizes are at most 15 hex digits and count against
     * {@code maxBytes} before their data is read; extensions are skipped within a bounded line;
     * trailers are read within the header limits and dropped.
     */
    static final class Chunked extends BodyInput {
        private static final int MAX_CHUNK_LINE = 4096;
        private static final int MAX_SIZE_DIGITS = 15;

        private final ConnectionInput in;
        private final long maxBytes;
        private final int tooLargeStatus;
        private final int maxTrailerBytes;
        private final int maxTrailers;
        private long total;
        private long remaining;
        private boolean started;
        private boolean ended;

        Chunked(ConnectionInput in, long maxBytes, int tooLargeStatus, int maxTrailerBytes, int maxTrailers) {
            this.in = in;
            this.maxBytes = maxBytes;
            this.tooLargeStatus = tooLargeStatus;
            this.maxTrailerBytes = maxTrailerBytes;
            this.maxTrailers = maxTrailers;
        }

        @Override
        boolean complete() {
            return ended;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (ended) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            if (remaining == 0) {
                nextChunk();
                if (ended) {
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
                throw new EOFException("connection closed in the middle of a chunk");
            }
            remaining -= n;
            return n;
        }

        @Override
        public int available() {
            return (int) Math.min(in.available(), remaining);
        }

        private void nextChunk() throws IOException {
            if (started) {
                int cr = in.read();
                int lf = in.read();
                if (cr < 0 || lf < 0) {
                    throw new EOFException("connection closed after chunk data");
                }
                if (cr != '\r' || lf != '\n') {
                    throw new HttpStatusException(400, "chunk data is not followed by CRLF");
                }
            }
            started = true;
            String line = in.readLine(MAX_CHUNK_LINE, 400, "chunk size line");
            int digits = 0;
            while (digits < line.length() && Syntax.isHexDigit(line.charAt(digits))) {
                digits++;
            }
            if (digits == 0 || digits > MAX_SIZE_DIGITS) {
                throw new HttpStatusException(400, "bad chunk size: " + Syntax.printable(line));
            }
            String rest = Syntax.trimOws(line.substring(digits));
            if (!rest.isEmpty() && (rest.charAt(0) != ';' || !Syntax.isFieldValue(rest))) {
                throw new HttpStatusException(400, "bad chunk extension: " + Syntax.printable(line));
            }
            long size = Long.parseLong(line, 0, digits, 16);
            if (size == 0) {
                HeadParser.readFields(in, maxTrailerBytes, maxTrailers, 431, "trailer");
                ended = true;
                return;
            }
            total += size;
            if (total > maxBytes) {
                throw new HttpStatusException(tooLargeStatus, "body is larger than " + maxBytes + " bytes");
            }
            remaining = size;
        }
    }
}
