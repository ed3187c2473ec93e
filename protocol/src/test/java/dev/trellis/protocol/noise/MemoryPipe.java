package dev.trellis.protocol.noise;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded in-memory pipe, one direction of a fake connection. Unlike java.io's piped streams it
 * does not care which threads use it, and it behaves like a socket at the ends: after the writer
 * closes, the reader drains what is left and then sees end of stream; after the reader closes,
 * writes fail, and so do reads.
 */
final class MemoryPipe {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final byte[] buffer;
    private int head;
    private int size;
    private boolean writerClosed;
    private boolean readerClosed;

    final InputStream in = new In();
    final OutputStream out = new Out();

    MemoryPipe(int capacity) {
        buffer = new byte[capacity];
    }

    MemoryPipe() {
        this(64 * 1024);
    }

    /** Convenience for tests that feed crafted bytes: writes them all, then closes the writer. */
    void feedAndClose(byte[] bytes) throws IOException {
        out.write(bytes);
        out.close();
    }

    private final class In extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] dst, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            lock.lock();
            try {
                while (size == 0) {
                    if (readerClosed) {
                        throw new IOException("pipe closed");
                    }
                    if (writerClosed) {
                        return -1;
                    }
                    await();
                }
                if (readerClosed) {
                    throw new IOException("pipe closed");
                }
                int n = Math.min(length, size);
                for (int i = 0; i < n; i++) {
                    dst[offset + i] = buffer[(head + i) % buffer.length];
                }
                head = (head + n) % buffer.length;
                size -= n;
                changed.signalAll();
                return n;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() {
            lock.lock();
            try {
                readerClosed = true;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private final class Out extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] src, int offset, int length) throws IOException {
            lock.lock();
            try {
                int written = 0;
                while (written < length) {
                    if (writerClosed || readerClosed) {
                        throw new IOException("pipe closed");
                    }
                    if (size == buffer.length) {
                        await();
                        continue;
                    }
                    int n = Math.min(length - written, buffer.length - size);
                    for (int i = 0; i < n; i++) {
                        buffer[(head + size + i) % buffer.length] = src[offset + written + i];
                    }
                    size += n;
                    written += n;
                    changed.signalAll();
                }
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() {
            lock.lock();
            try {
                writerClosed = true;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private void await() throws InterruptedIOException {
        try {
            changed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting on the pipe");
        }
    }
}
