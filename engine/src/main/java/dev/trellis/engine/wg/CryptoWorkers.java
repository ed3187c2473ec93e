package dev.trellis.engine.wg;

import dev.trellis.engine.crypto.TransportAead;
import java.util.ArrayList;
import java.util.List;

/**
 * The parallel stage of both paths: one thread per core, each with its own cipher state, taking
 * elements in any order; per-peer order is restored afterwards by the peers' in-order queues.
 *
 * <p>The thread that readied a batch works too ({@link #dispatch}): it keeps the first element
 * for itself and then helps empty the queue. A lone packet thus never waits for a thread
 * hand-off (most of a tunnel's latency), while a burst is spread over every core.
 */
final class CryptoWorkers {
    private final Device device;
    private final WorkQueue queue;
    private final List<Thread> threads = new ArrayList<>();
    private final ThreadLocal<TransportAead> callerAead = ThreadLocal.withInitial(TransportAead::new);
    private final ThreadLocal<WorkList> workLists = ThreadLocal.withInitial(WorkList::new);

    CryptoWorkers(Device device, int queueSize) {
        this.device = device;
        this.queue = new WorkQueue(queueSize);
    }

    void start(int count, String name) {
        for (int i = 0; i < count; i++) {
            Thread t = device.thread("crypto-" + i).start(this::run);
            threads.add(t);
        }
    }

    /** This thread's list of readied elements, to fill and then {@link #dispatch}. */
    WorkList workList() {
        return workLists.get();
    }

    /** Processes the calling thread's work list: first element here, the rest shared. */
    void dispatch() {
        WorkList list = workLists.get();
        int n = list.size();
        if (n == 0) {
            return;
        }
        Element first = list.get(0);
        try {
            for (int i = 1; i < n; i++) {
                queue.put(list.get(i));
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        } finally {
            list.clear();
        }
        TransportAead aead = callerAead.get();
        process(first, aead);
        if (n > 1) {
            Element e;
            while ((e = queue.poll()) != null) {
                process(e, aead);
            }
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
            process(e, aead);
        }
    }

    private void process(Element e, TransportAead aead) {
        if (e.outbound) {
            device.outbound().encrypt(e, aead);
        } else {
            device.inbound().decrypt(e, aead);
        }
    }

    void stop() {
        threads.forEach(Thread::interrupt);
    }
}
