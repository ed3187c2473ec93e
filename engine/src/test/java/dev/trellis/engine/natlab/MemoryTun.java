package dev.trellis.engine.natlab;

import dev.trellis.tun.TunDevice;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** An in-memory TUN for devices on a simulated network: tests inject and collect IP packets. */
final class MemoryTun implements TunDevice {
    private static final byte[] CLOSE = new byte[0];
    private final String name;
    private final LinkedBlockingQueue<byte[]> toDevice = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<byte[]> fromDevice = new LinkedBlockingQueue<>();
    private volatile boolean closed;

    MemoryTun(String name) {
        this.name = name;
    }

    /** A packet "sent by an application" on this host: the device reads and tunnels it. */
    void inject(byte[] packet) {
        toDevice.add(packet.clone());
    }

    /** The next packet the device delivered to this host, or null after {@code timeout}. */
    byte[] awaitDelivered(Duration timeout) throws InterruptedException {
        return fromDevice.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int mtu() {
        return 1280;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        byte[] p;
        try {
            p = toDevice.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClosedChannelException();
        }
        if (p == CLOSE) {
            throw new ClosedChannelException();
        }
        int n = Math.min(p.length, dst.remaining());
        dst.put(p, 0, n);
        return n;
    }

    @Override
    public void write(ByteBuffer src) throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        byte[] p = new byte[src.remaining()];
        src.get(p);
        fromDevice.add(p);
    }

    @Override
    public void close() {
        closed = true;
        toDevice.add(CLOSE);
    }
}
