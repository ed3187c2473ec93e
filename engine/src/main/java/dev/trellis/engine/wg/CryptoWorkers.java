package dev.trellis.engine.wg;

import dev.trellis.engine.crypto.TransportAead;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * The parallel stage of both paths: a fixed set of threads, one per core, each with its own
 * cipher state, taking elements in any order. Per-peer order is restored afterwards by the
 * peers' in-order queues, so any worker may finish any packet.
 */
final class CryptoWorkers {
    private final Device device;
    private final ArrayBlockingQueue<Element> queue;
    private final List<Thread> threads = new ArrayList<>();

    CryptoWorkers(Device device, int queueSize) {
        this.device = device;
        this.queue = new ArrayBlockingQueue<>(queueSize);
    }

    void start(int count, String name) {
        for (int i = 0; i < count; i++) {
            Thread t = Thread.ofPlatform().daemon().name(name + "-crypto-" + i).start(this::run);
            threads.add(t);
        }
    }

    /** Hands an element to the workers; blocks while they are behind (back-pressure). */
    void submit(Element e) {
        try {
            queue.put(e);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            e.state = Element.FAILED;
        }
    }

    private void run() {
        TransportAead aead = new TransportAead();
        while (true) {
            Element e;
            try {
                e = queue.take();
            } catch (InterruptedException ie) {
                return;
            }
            if (e.outbound) {
                device.outbound().encrypt(e, aead);
            } else {
                device.inbound().decrypt(e, aead);
            }
        }
    }

    void stop() {
        threads.forEach(Thread::interrupt);
    }
}
