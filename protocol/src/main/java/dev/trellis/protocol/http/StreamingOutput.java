package dev.trellis.protocol.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The body stream of a streamed response. Chunked for HTTP/1.1: written bytes collect in a buffer
 * that goes out as one chunk when it fills or on {@code flush()}; {@code close()} sends the last
 * chunk. For HTTP/1.0 the bytes go out as they are and closing the connection ends the body; for
 * HEAD, 204 and 304 they are discarded. Methods are synchronized so event producers on several
 * threads cannot interleave inside a chunk.
 */
final class StreamingOutput extends OutputStream {
    enum Mode { CHUNKED, UNTIL_CLOSE, DISCARD }

    private final OutputStream out;
    private final Mode mode;
    private final Runnable onFinish;
    private final byte[] buf = new byte[8192];
    private int count;
    private boolean closed;
    private IOException failure;

    /** {@code out} is the connection's buffered output; {@code onFinish} runs once the body ended. */
    StreamingOutput(OutputStream out, Mode mode, Runnable onFinish) {
        this.out = out;
        this.mode = mode;
        this.onFinish = onFinish;
    }

    /** Makes every write fail with {@code e}: the head could not be sent. */
    synchronized void fail(IOException e) {
        failure = e;
    }

    synchronized IOException failure() {
        return failure;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        ensureOpen();
        if (mode == Mode.DISCARD) {
            return;
        }
        while (len > 0) {
            if (count == buf.length) {
                emit();
            }
            int n = Math.min(len, buf.length - count);
            System.arraycopy(b, off, buf, count, n);
            count += n;
            off += n;
            len -= n;
        }
    }

    @Override
    public synchronized void flush() throws IOException {
        ensureOpen();
        if (mode == Mode.DISCARD) {
            return;
        }
        emit();
        try {
            out.flush();
        } catch (IOException e) {
            failure = e;
            throw e;
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        try {
            if (failure != null) {
                // A fresh exception: rethrowing the stored one would make try-with-resources add
                // it to itself as suppressed, which Throwable refuses.
                throw new IOException("response body failed earlier: " + failure.getMessage(), failure);
            }
            if (mode != Mode.DISCARD) {
                emit();
                if (mode == Mode.CHUNKED) {
                    out.write(LAST_CHUNK);
                }
                out.flush();
            }
        } finally {
            closed = true;
            onFinish.run();
        }
    }

    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private void ensureOpen() throws IOException {
        if (failure != null) {
            throw new IOException("response body failed earlier: " + failure.getMessage(), failure);
        }
        if (closed) {
            throw new IOException("response body already ended");
        }
    }

    private void emit() throws IOException {
        if (count == 0) {
            return;
        }
        try {
            if (mode == Mode.CHUNKED) {
                out.write((Integer.toHexString(count) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(buf, 0, count);
                out.write('\r');
                out.write('\n');
            } else {
                out.write(buf, 0, count);
            }
        } catch (IOException e) {
            failure = e;
            throw e;
        } finally {
            count = 0;
        }
    }
}
