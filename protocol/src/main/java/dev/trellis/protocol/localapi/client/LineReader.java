package dev.trellis.protocol.localapi.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.util.Arrays;

/**
 * Splits a byte stream into LF-terminated lines (an optional CR before the LF is dropped)
 * regardless of how the sender chunked it; a line longer than {@code maxLine} is an error, so a
 * peer can never make it buffer without bound.
 */
final class LineReader {
    private final InputStream in;
    private final int maxLine;
    private byte[] buf = new byte[8192];
    private int start; // first unconsumed byte
    private int end; // one past the last buffered byte
    private boolean eof;

    LineReader(InputStream in, int maxLine) {
        this.in = in;
        this.maxLine = maxLine;
    }

    /** The next line without its terminator; at end of stream the unterminated rest, then null. */
    byte[] next() throws IOException {
        int scanned = 0; // bytes after start already searched; survives makeRoom's compaction
        while (true) {
            for (int i = start + scanned; i < end; i++) {
                if (buf[i] == '\n') {
                    int stop = i > start && buf[i - 1] == '\r' ? i - 1 : i;
                    byte[] line = Arrays.copyOfRange(buf, start, stop);
                    start = i + 1;
                    return line;
                }
            }
            scanned = end - start;
            if (end - start > maxLine) {
                throw new ProtocolException("notification longer than " + maxLine + " bytes");
            }
            if (eof) {
                if (start == end) {
                    return null;
                }
                byte[] rest = Arrays.copyOfRange(buf, start, end);
                start = end;
                return rest;
            }
            makeRoom();
            int n = in.read(buf, end, buf.length - end);
            if (n < 0) {
                eof = true;
            } else {
                end += n;
            }
        }
    }

    /** Moves unconsumed bytes to the front and grows the buffer (up to the line limit) if full. */
    private void makeRoom() {
        if (start > 0) {
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            start = 0;
        }
        if (end == buf.length) {
            buf = Arrays.copyOf(buf, (int) Math.min((long) buf.length * 2, (long) maxLine + 2));
        }
    }
}
