package dev.trellis.engine.wg;

import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * A bounded free list of {@link Element}s with direct buffers. When it runs dry (e.g. many peers
 * holding staged packets while they handshake) it allocates rather than block, and it drops
 * surplus elements on return, so memory stays bounded by what the queues can hold.
 */
final class ElementPool {
    private final ArrayBlockingQueue<Element> free;
    private final int bufferSize;
    final LongAdder allocated = new LongAdder();

    ElementPool(int capacity, int bufferSize) {
        this.free = new ArrayBlockingQueue<>(capacity);
        this.bufferSize = bufferSize;
    }

    Element take() {
        Element e = free.poll();
        if (e == null) {
            allocated.increment();
            e = new Element(ByteBuffer.allocateDirect(bufferSize));
        }
        return e;
    }

    void recycle(Element e) {
        e.reset();
        free.offer(e);
    }

    /** Fills the empty slots of a reader's batch, keeping {@code bufs[i]} = {@code elements[i].buffer}. */
    void refill(Element[] elements, ByteBuffer[] bufs) {
        for (int i = 0; i < elements.length; i++) {
            if (elements[i] == null) {
                elements[i] = take();
                bufs[i] = elements[i].buffer;
            }
        }
    }

    /** Returns a reader's remaining elements when it stops. */
    void recycleAll(Element[] elements) {
        for (int i = 0; i < elements.length; i++) {
            if (elements[i] != null) {
                recycle(elements[i]);
                elements[i] = null;
            }
        }
    }

    int bufferSize() {
        return bufferSize;
    }
}
