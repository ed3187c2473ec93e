package dev.trellis.protocol.relay;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The writing half of a relay connection, used by both the client and the relay: a queue bounded
 * in frames and in bytes, drained by one virtual thread that owns the stream. {@link #offer} never
 * blocks; when the queue is full the frame is dropped and counted, so a peer that stops reading
 * costs at most the bound, never blocks its senders. When the queue stays empty for the keepalive
 * interval the writer sends a KeepAlive. A write failure (the stream closed, or stalled past the
 * transport's write timeout) stops the writer and is reported once to {@code onFailure}.
 */
public final class FrameSender implements AutoCloseable {
    private final ArrayBlockingQueue<RelayFrame> queue;
    private final long maxBytes;
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final OutputStream out;
    private final Duration keepAlive;
    private final Consumer<Throwable> onFailure;
    private final Thread writer;
    private volatile boolean closed;

    /**
     * @param maxFrames  frames that may wait
     * @param maxBytes   payload bytes that may wait
     * @param keepAlive  idle time before a KeepAlive (zero: never)
     * @param onFailure  called once, on the writer thread, when a write fails (not after {@link #close})
     */
    public FrameSender(String name, OutputStream out, int maxFrames, long maxBytes, Duration keepAlive,
            Consumer<Throwable> onFailure) {
        if (maxFrames <= 0 || maxBytes <= 0) {
            throw new IllegalArgumentException("queue bounds must be positive");
        }
        this.queue = new ArrayBlockingQueue<>(maxFrames);
        this.maxBytes = maxBytes;
        this.out = new BufferedOutputStream(Objects.requireNonNull(out, "out"), 64 * 1024);
        this.keepAlive = Objects.requireNonNull(keepAlive, "keepAlive");
        this.onFailure = Objects.requireNonNull(onFailure, "onFailure");
        this.writer = Thread.ofVirtual().name(name).start(this::run);
    }

    /** Queues a frame; false if it was dropped because the queue is full or the sender closed. */
    public boolean offer(RelayFrame frame) {
        int size = RelayFrames.payloadLength(frame) + RelayFrames.HEADER_LENGTH;
        if (closed) {
            dropped.incrementAndGet();
            return false;
        }
        if (queuedBytes.addAndGet(size) > maxBytes) {
            queuedBytes.addAndGet(-size);
            dropped.incrementAndGet();
            return false;
        }
        if (!queue.offer(frame)) {
            queuedBytes.addAndGet(-size);
            dropped.incrementAndGet();
            return false;
        }
        return true;
    }

    /** Frames dropped because the queue was full or closed. */
    public long dropped() {
        return dropped.get();
    }

    /** Frames written to the stream. */
    public long sent() {
        return sent.get();
    }

    /** Frames waiting. */
    public int queued() {
        return queue.size();
    }

    /** Payload bytes waiting (with headers). */
    public long queuedBytes() {
        return queuedBytes.get();
    }

    /** Stops the writer; frames still queued are discarded. Does not close the stream. */
    @Override
    public void close() {
        closed = true;
        writer.interrupt();
        queue.clear();
    }

    private void run() {
        long keepAliveNanos = keepAlive.isZero() ? Long.MAX_VALUE : keepAlive.toNanos();
        try {
            while (!closed) {
                RelayFrame f = queue.poll(keepAliveNanos, TimeUnit.NANOSECONDS);
                if (f == null) {
                    write(new RelayFrame.KeepAlive(), false);
                } else {
                    write(f, true);
                }
                if (queue.isEmpty()) {
                    out.flush();
                }
            }
        } catch (InterruptedException e) {
            // closed
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                closed = true;
                queue.clear();
                onFailure.accept(e);
            }
        }
    }

    private void write(RelayFrame f, boolean counted) throws IOException {
        byte[] bytes = RelayFrames.encode(f);
        if (counted) {
            queuedBytes.addAndGet(-bytes.length);
        }
        out.write(bytes);
        sent.incrementAndGet();
    }
}
