package dev.trellis.protocol.relay;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The writing half of a relay connection, used by both the client and the relay: a queue bounded
 * in frames and in bytes (and optionally by a {@link QueueBudget} shared with other senders),
 * drained by one virtual thread that owns the stream. {@link #offer} never blocks; when the queue
 * is full the frame is dropped and counted, so a peer that stops reading costs at most the bound,
 * never blocks its senders. When the queue stays empty for the keepalive interval the writer
 * sends a KeepAlive. A write failure (the stream closed, or stalled past the transport's write
 * timeout) stops the writer and is reported once to {@code onFailure}.
 *
 * <p>Frames waiting together are written in one batch of up to 64 KiB; the batch buffer grows only
 * when there is a backlog and is let go after a keepalive interval of silence, so an idle
 * connection holds no buffer (a relay may hold tens of thousands of them).
 */
public final class FrameSender implements AutoCloseable {
    private static final int MAX_BATCH = 64 * 1024;
    private static final byte[] NO_BATCH = new byte[0];
    private static final byte[] KEEP_ALIVE = RelayFrames.encode(new RelayFrame.KeepAlive());

    /** What became of an offered frame. */
    public enum Offer {
        QUEUED,
        /** This sender's queue is at its frame or byte bound. */
        QUEUE_FULL,
        /** The budget shared with other senders is spent. */
        OVER_BUDGET,
        CLOSED
    }

    private final ArrayBlockingQueue<RelayFrame> queue;
    private final long maxBytes;
    private final QueueBudget budgetOrNull;
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    /** Frames ever queued, and of those, how many the writer has written and flushed. */
    private final AtomicLong accepted = new AtomicLong();
    private long flushed; // guarded by flushSignal
    private final Object flushSignal = new Object();
    private final OutputStream out;
    private final Duration keepAlive;
    private final Consumer<Throwable> onFailure;
    private final Thread writer;
    private volatile boolean closed;
    private byte[] batch = NO_BATCH; // writer thread only
    private int batchLength;

    /**
     * @param maxFrames  frames that may wait
     * @param maxBytes   payload bytes that may wait
     * @param keepAlive  idle time before a KeepAlive (zero: never)
     * @param onFailure  called once, on the writer thread, when a write fails (not after {@link #close})
     */
    public FrameSender(String name, OutputStream out, int maxFrames, long maxBytes, Duration keepAlive,
            Consumer<Throwable> onFailure) {
        this(name, out, maxFrames, maxBytes, null, keepAlive, onFailure);
    }

    /** As above, with packets also drawing on {@code budgetOrNull} (null: no shared budget). */
    public FrameSender(String name, OutputStream out, int maxFrames, long maxBytes, QueueBudget budgetOrNull,
            Duration keepAlive, Consumer<Throwable> onFailure) {
        this(name, out, maxFrames, maxBytes, budgetOrNull, keepAlive, onFailure, true);
    }

    /**
     * As above, but nothing is written until {@link #start}: what is queued first goes out first,
     * even when others may queue frames as soon as this sender is reachable (a relay queues
     * ServerInfo, attaches the node, then starts; a packet for the node waits behind ServerInfo).
     */
    public static FrameSender held(String name, OutputStream out, int maxFrames, long maxBytes,
            QueueBudget budgetOrNull, Duration keepAlive, Consumer<Throwable> onFailure) {
        return new FrameSender(name, out, maxFrames, maxBytes, budgetOrNull, keepAlive, onFailure, false);
    }

    private FrameSender(String name, OutputStream out, int maxFrames, long maxBytes, QueueBudget budgetOrNull,
            Duration keepAlive, Consumer<Throwable> onFailure, boolean startNow) {
        if (maxFrames <= 0 || maxBytes <= 0) {
            throw new IllegalArgumentException("queue bounds must be positive");
        }
        this.queue = new ArrayBlockingQueue<>(maxFrames);
        this.maxBytes = maxBytes;
        this.budgetOrNull = budgetOrNull;
        this.out = Objects.requireNonNull(out, "out");
        this.keepAlive = Objects.requireNonNull(keepAlive, "keepAlive");
        this.onFailure = Objects.requireNonNull(onFailure, "onFailure");
        this.writer = Thread.ofVirtual().name(name).unstarted(this::run);
        if (startNow) {
            start();
        }
    }

    /** Starts writing what is queued (a sender made by {@link #held}); does nothing the second time. */
    public void start() {
        synchronized (writer) {
            if (writer.getState() == Thread.State.NEW) {
                writer.start();
            }
        }
    }

    /** Queues a frame; false if it was dropped (queue full, budget spent, or closed). */
    public boolean offer(RelayFrame frame) {
        return tryOffer(frame) == Offer.QUEUED;
    }

    /** Queues a frame, or says why it was dropped. */
    public Offer tryOffer(RelayFrame frame) {
        int size = size(frame);
        if (closed) {
            dropped.incrementAndGet();
            return Offer.CLOSED;
        }
        long after = queuedBytes.addAndGet(size);
        if (after > maxBytes) {
            queuedBytes.addAndGet(-size);
            dropped.incrementAndGet();
            return Offer.QUEUE_FULL;
        }
        if (budgetOrNull != null) {
            if (!isPacket(frame)) {
                budgetOrNull.take(size);
            } else if (!budgetOrNull.tryTake(size, after)) {
                queuedBytes.addAndGet(-size);
                dropped.incrementAndGet();
                return Offer.OVER_BUDGET;
            }
        }
        if (!queue.offer(frame)) {
            release(size);
            dropped.incrementAndGet();
            return Offer.QUEUE_FULL;
        }
        accepted.incrementAndGet();
        if (closed) {
            discardQueued(); // close() may have emptied the queue just before this frame went in
        }
        return Offer.QUEUED;
    }

    /** Frames dropped because the queue was full, the budget spent or the sender closed. */
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

    /**
     * Waits until every frame queued before this call has been written and flushed; false if
     * {@code timeout} passed first or the sender closed (its frames are then lost).
     */
    public boolean awaitFlushed(Duration timeout) throws InterruptedException {
        long target = accepted.get();
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (flushSignal) {
            while (flushed < target) {
                long left = deadline - System.nanoTime();
                if (closed || left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(flushSignal, left);
            }
        }
        return true;
    }

    /** Stops the writer; frames still queued are discarded. Does not close the stream. */
    @Override
    public void close() {
        closed = true;
        writer.interrupt();
        discardQueued();
        synchronized (flushSignal) {
            flushSignal.notifyAll();
        }
    }

    private void run() {
        long keepAliveNanos = keepAlive.isZero() ? Long.MAX_VALUE : keepAlive.toNanos();
        long written = 0;
        try {
            while (!closed) {
                RelayFrame f = queue.poll(keepAliveNanos, TimeUnit.NANOSECONDS);
                if (f == null) {
                    batch = NO_BATCH; // silent for a whole interval: let the buffer go
                    out.write(KEEP_ALIVE);
                    out.flush();
                    sent.incrementAndGet();
                    continue;
                }
                long round = 0; // bytes this round, so that flushed advances under steady traffic too
                do {
                    release(size(f));
                    byte[] bytes = RelayFrames.encode(f);
                    append(bytes);
                    round += bytes.length;
                    written++;
                    sent.incrementAndGet();
                } while (!closed && round < MAX_BATCH && (f = queue.poll()) != null);
                writeBatch();
                out.flush();
                synchronized (flushSignal) {
                    flushed = written;
                    flushSignal.notifyAll();
                }
            }
        } catch (InterruptedException e) {
            // closed
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                closed = true;
                discardQueued();
                onFailure.accept(e);
            }
        }
    }

    /** Adds a frame to the batch, writing the batch first when the frame would not fit. */
    private void append(byte[] frame) throws IOException {
        if (batchLength + frame.length > MAX_BATCH) {
            writeBatch();
        }
        if (batchLength == 0 && (frame.length > MAX_BATCH || queue.isEmpty())) {
            out.write(frame); // alone (or too big to batch): no copy
            return;
        }
        if (batchLength + frame.length > batch.length) {
            batch = Arrays.copyOf(batch, Math.min(MAX_BATCH, Math.max(batchLength + frame.length, 2 * batch.length)));
        }
        System.arraycopy(frame, 0, batch, batchLength, frame.length);
        batchLength += frame.length;
    }

    private void writeBatch() throws IOException {
        if (batchLength > 0) {
            out.write(batch, 0, batchLength);
            batchLength = 0;
        }
    }

    private void discardQueued() {
        RelayFrame f;
        while ((f = queue.poll()) != null) {
            release(size(f));
        }
    }

    private void release(int size) {
        queuedBytes.addAndGet(-size);
        if (budgetOrNull != null) {
            budgetOrNull.release(size);
        }
    }

    private static int size(RelayFrame frame) {
        return RelayFrames.payloadLength(frame) + RelayFrames.HEADER_LENGTH;
    }

    private static boolean isPacket(RelayFrame f) {
        return f instanceof RelayFrame.SendPacket || f instanceof RelayFrame.RecvPacket
                || f instanceof RelayFrame.ForwardPacket;
    }
}
