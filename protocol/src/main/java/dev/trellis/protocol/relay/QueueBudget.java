package dev.trellis.protocol.relay;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes that the send queues of many {@link FrameSender}s may hold together: a relay's cap on
 * the memory all its clients' queues take, on top of each queue's own bound. Packets beyond it
 * are refused. The last {@code reserve} bytes go only to queues that stay short (at most
 * {@code shortQueue} bytes with the new packet): a client that reads keeps a short queue, so
 * clients that never read cannot take the whole budget from everyone else.
 *
 * <p>Control frames (PeerGone, PeerPresent, Pong, ...) are counted but never refused: they are
 * small, each queue's own frame bound limits them, and dropping presence news would leave a mesh
 * peer with a wrong view. So {@link #used()} stays at most {@link #max()} plus the control frames
 * waiting. Thread-safe.
 */
public final class QueueBudget {
    /** A queue at most this long with the new packet may use the reserve. */
    public static final long DEFAULT_SHORT_QUEUE = 64 * 1024;

    private final long max;
    private final long reserve;
    private final long shortQueue;
    private final AtomicLong used = new AtomicLong();

    /** {@code maxBytes} with an eighth of it reserved for short queues. */
    public QueueBudget(long maxBytes) {
        this(maxBytes, maxBytes / 8, DEFAULT_SHORT_QUEUE);
    }

    public QueueBudget(long maxBytes, long reserveBytes, long shortQueueBytes) {
        if (maxBytes <= 0 || reserveBytes < 0 || reserveBytes > maxBytes || shortQueueBytes < 0) {
            throw new IllegalArgumentException("queue budget needs max > 0 and 0 <= reserve <= max, got max "
                    + maxBytes + ", reserve " + reserveBytes + ", short queue " + shortQueueBytes);
        }
        this.max = maxBytes;
        this.reserve = reserveBytes;
        this.shortQueue = shortQueueBytes;
    }

    /**
     * Takes {@code n} bytes for a packet joining a queue that then holds {@code queueBytesAfter};
     * false (nothing taken) if the budget cannot spare them.
     */
    boolean tryTake(long n, long queueBytesAfter) {
        long limit = queueBytesAfter <= shortQueue ? max : max - reserve;
        while (true) {
            long now = used.get();
            if (now + n > limit) {
                return false;
            }
            if (used.compareAndSet(now, now + n)) {
                return true;
            }
        }
    }

    /** Takes {@code n} bytes for a control frame, which is never refused. */
    void take(long n) {
        used.addAndGet(n);
    }

    void release(long n) {
        used.addAndGet(-n);
    }

    /** Bytes queued now, across every sender sharing this budget. */
    public long used() {
        return used.get();
    }

    public long max() {
        return max;
    }
}
