package dev.trellis.engine.wg;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One direction of a peer's packets in counter order while the crypto workers finish them in
 * any order. Whoever finishes an element drains the finished head of the queue into the
 * {@link Sink} (flat combining): no thread waits for another, and if the lock is busy its
 * holder sees the newly finished head on its re-check, so no finished element is left behind.
 */
final class OrderedQueue {

    /** Takes finished elements in order; called with the queue's lock held. */
    interface Sink {
        /** Takes ownership of {@code e} (DONE or FAILED). */
        void accept(Element e);

        /** The end of one drain round: send or write what was batched. */
        void flush();
    }

    private final ArrayBlockingQueue<Element> queue;
    private final ReentrantLock lock = new ReentrantLock();
    private final Sink sink;

    OrderedQueue(int capacity, Sink sink) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.sink = sink;
    }

    /** Appends in counter order (the caller serialises appends); false when full. */
    boolean offer(Element e) {
        return queue.offer(e);
    }

    void drain() {
        while (true) {
            if (!lock.tryLock()) {
                return;
            }
            try {
                Element e;
                while ((e = queue.peek()) != null && e.state != Element.PENDING) {
                    queue.poll();
                    sink.accept(e);
                }
                sink.flush();
            } finally {
                lock.unlock();
            }
            Element head = queue.peek();
            if (head == null || head.state == Element.PENDING) {
                return;
            }
        }
    }
}
