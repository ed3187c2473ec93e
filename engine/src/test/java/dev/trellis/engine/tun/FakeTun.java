package dev.trellis.engine.tun;

import dev.trellis.tun.TunDevice;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An in-memory TUN with batches: the "OS" queues packets for reads (a batch read returns what
 * is queued, up to {@link #batchSize()}), and every packet written is recorded, along with the
 * arrays each batch write was given.
 */
final class FakeTun implements TunDevice {
    private static final byte[] CLOSE = new byte[0];
    private final LinkedBlockingQueue<byte[]> fromOs = new LinkedBlockingQueue<>();
    final LinkedBlockingQueue<byte[]> toOs = new LinkedBlockingQueue<>();
    final List<ByteBuffer[]> batchBufs = Collections.synchronizedList(new ArrayList<>());
    final List<Integer> batchCounts = Collections.synchronizedList(new ArrayList<>());
    private final int batchSize;
    volatile int mtu = 1280;
    private volatile boolean closed;

    FakeTun(int batchSize) {
        this.batchSize = batchSize;
    }

    /** Queues a packet "sent by the OS", for the next read. */
    void osSends(byte[] packet) {
        fromOs.add(packet.clone());
    }

    byte[] awaitWritten(Duration timeout) throws InterruptedException {
        return toOs.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public String name() {
        return "fake0";
    }

    @Override
    public int mtu() {
        return mtu;
    }

    @Override
    public int batchSize() {
        return batchSize;
    }

    private byte[] take() throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        try {
            byte[] p = fromOs.take();
            if (p == CLOSE) {
                throw new ClosedChannelException();
            }
            return p;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClosedChannelException();
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        byte[] p = take();
        int n = Math.min(p.length, dst.remaining());
        dst.put(p, 0, n);
        return n;
    }

    @Override
    public int read(ByteBuffer[] bufs, int[] sizes, int offset) throws IOException {
        int max = Math.min(bufs.length, batchSize);
        byte[] p = take();
        int n = 0;
        while (true) {
            bufs[n].put(offset, p);
            sizes[n++] = p.length;
            if (n == max || (p = fromOs.peek()) == null || p == CLOSE) {
                return n;
            }
            fromOs.poll();
        }
    }

    @Override
    public void write(ByteBuffer src) throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        byte[] p = new byte[src.remaining()];
        src.get(p);
        toOs.add(p);
    }

    @Override
    public void write(ByteBuffer[] bufs, int[] sizes, int count, int offset) throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        batchBufs.add(bufs);
        batchCounts.add(count);
        for (int i = 0; i < count; i++) {
            byte[] p = new byte[sizes[i]];
            bufs[i].duplicate().clear().get(offset, p);
            toOs.add(p);
        }
    }

    @Override
    public void close() {
        closed = true;
        fromOs.add(CLOSE);
    }
}
