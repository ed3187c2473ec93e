package dev.trellis.engine.wg;

/**
 * The crypto stage's bounded multi-producer, multi-consumer queue. A ring under one monitor,
 * waiting with {@code wait}/{@code notifyAll}: unlike {@code ArrayBlockingQueue}, whose
 * condition waits allocate a node each time a worker parks, it allocates nothing after
 * construction, which keeps the steady-state data path garbage-free.
 */
final class WorkQueue {
    private final Element[] ring;
    private int head;
    private int size;
    private int waiting;

    WorkQueue(int capacity) {
        ring = new Element[capacity];
    }

    synchronized void put(Element e) throws InterruptedException {
        while (size == ring.length) {
            waitHere();
        }
        ring[(head + size) % ring.length] = e;
        size++;
        if (waiting > 0) {
            notifyAll();
        }
    }

    /** The next element, or null if there is none now. */
    synchronized Element poll() {
        if (size == 0) {
            return null;
        }
        return removeHead();
    }

    synchronized Element take() throws InterruptedException {
        while (size == 0) {
            waitHere();
        }
        return removeHead();
    }

    synchronized boolean isEmpty() {
        return size == 0;
    }

    private Element removeHead() {
        Element e = ring[head];
        ring[head] = null;
        head = (head + 1) % ring.length;
        boolean wasFull = size == ring.length;
        size--;
        if (wasFull && waiting > 0) {
            notifyAll(); // a producer may be waiting for room
        }
        return e;
    }

    private void waitHere() throws InterruptedException {
        waiting++;
        try {
            wait();
        } finally {
            waiting--;
        }
    }
}
