package dev.trellis.engine.uapi;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * Reads {@code \n}-terminated lines from a channel in bounded memory. Bytes map one to one onto
 * chars (ISO-8859-1), so no input fails to decode; UAPI text is ASCII and anything else is simply
 * an unknown key or a bad value. A line longer than {@code maxLineLength} comes back cut to
 * {@code maxLineLength + 1} chars, its rest read and dropped, so the caller can refuse it and the
 * stream stays in step.
 */
final class LineReader {
    private final ReadableByteChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(8192).flip();
    private final int maxLineLength;
    private final StringBuilder line;
    private long budget;

    LineReader(ReadableByteChannel channel, int maxLineLength) {
        this.channel = channel;
        this.maxLineLength = maxLineLength;
        this.line = new StringBuilder(Math.min(maxLineLength + 1, 256));
    }

    /** Allows {@code bytes} more bytes to be read before {@link RequestTooLargeException}. */
    void setBudget(long bytes) {
        budget = bytes;
    }

    /**
     * The next line without its {@code \n}, or null at end of stream (including a last line that
     * has no {@code \n}: it is an unfinished request).
     */
    String readLine() throws IOException {
        line.setLength(0);
        while (true) {
            if (!buffer.hasRemaining() && !fill()) {
                return null;
            }
            while (buffer.hasRemaining()) {
                if (--budget < 0) {
                    throw new RequestTooLargeException();
                }
                char c = (char) (buffer.get() & 0xff);
                if (c == '\n') {
                    return line.toString();
                }
                if (line.length() <= maxLineLength) {
                    line.append(c);
                }
            }
        }
    }

    private boolean fill() throws IOException {
        buffer.clear();
        int n;
        do {
            n = channel.read(buffer);
        } while (n == 0);
        buffer.flip();
        return n > 0;
    }

    /** The client sent more than a request may hold; the connection cannot be trusted to resync. */
    static final class RequestTooLargeException extends IOException {
        RequestTooLargeException() {
            super("request too large");
        }
    }
}
