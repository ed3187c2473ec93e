package dev.trellis.engine.natlab;

import dev.trellis.engine.conn.Bind;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A UDP socket on a simulated {@link Machine}, bound on all its addresses, as a {@link Bind}:
 * what it sends is routed through the machine's networks, NATs and firewalls. Like a kernel
 * socket its receive buffer is bounded ({@value #CAPACITY} datagrams); overflow is dropped.
 */
public final class SimBind implements Bind {
    static final int CAPACITY = 4096;
    private static final Packet CLOSED = new Packet(new InetSocketAddress("0.0.0.0", 0),
            new InetSocketAddress("0.0.0.0", 0), new byte[0]);

    private final Machine machine;
    private final LinkedBlockingQueue<Packet> queue = new LinkedBlockingQueue<>(CAPACITY);
    private volatile int port = -1;
    private long overflow;

    SimBind(Machine machine) {
        this.machine = machine;
    }

    public Machine machine() {
        return machine;
    }

    @Override
    public int open(int wanted) throws IOException {
        machine.sim().lockForMachine();
        try {
            if (port != -1) {
                throw new IOException("already open on port " + port);
            }
            int p = machine.claimPort(wanted, this);
            queue.clear(); // a close marker from an earlier life
            port = p;
            return p;
        } finally {
            machine.sim().unlockForMachine();
        }
    }

    /** The bound port, or -1 when closed. */
    public int port() {
        return port;
    }

    /** The machine's default-route address and this socket's port. */
    public InetSocketAddress localAddress() {
        int p = port;
        if (p == -1) {
            throw new IllegalStateException("not open");
        }
        return new InetSocketAddress(machine.address(), p);
    }

    @Override
    public InetSocketAddress receive(ByteBuffer dst) throws IOException {
        if (port == -1) {
            throw new ClosedChannelException();
        }
        Packet p;
        try {
            p = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClosedChannelException();
        }
        if (p == CLOSED) {
            throw new ClosedChannelException();
        }
        dst.put(p.bytes(), 0, Math.min(p.length(), dst.remaining()));
        return p.src();
    }

    /** The next received datagram, or null if none is waiting (for stepped tests). */
    public Packet poll() throws ClosedChannelException {
        return poll(Duration.ZERO);
    }

    /** The next received datagram, waiting up to {@code timeout}; null if none came. */
    public Packet poll(Duration timeout) throws ClosedChannelException {
        if (port == -1) {
            throw new ClosedChannelException();
        }
        Packet p;
        try {
            p = queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClosedChannelException();
        }
        if (p == CLOSED) {
            throw new ClosedChannelException();
        }
        return p;
    }

    @Override
    public void send(ByteBuffer src, InetSocketAddress to) throws IOException {
        int p = port;
        if (p == -1) {
            throw new ClosedChannelException();
        }
        if (src.remaining() > Packet.MAX_PAYLOAD) {
            throw new IOException("datagram of " + src.remaining() + " bytes exceeds the UDP maximum " + Packet.MAX_PAYLOAD);
        }
        byte[] data = new byte[src.remaining()];
        src.get(data);
        machine.sendLocal(p, data, to);
    }

    /** Convenience for tests: sends {@code data} to {@code to}. */
    public void send(byte[] data, InetSocketAddress to) throws IOException {
        send(ByteBuffer.wrap(data), to);
    }

    /** Datagrams dropped because the receive buffer was full. */
    public long overflow() {
        return machine.sim().locked(() -> overflow);
    }

    /** Queues an arrived datagram; false if the buffer is full. Lock held. */
    boolean deliver(Packet p) {
        if (queue.offer(p)) {
            return true;
        }
        overflow++;
        return false;
    }

    @Override
    public void close() {
        machine.sim().lockForMachine();
        try {
            int p = port;
            if (p == -1) {
                return;
            }
            machine.releasePort(p, this);
            port = -1;
            // Delivery happens under the lock we hold and we are unbound now, so this fits.
            queue.clear();
            queue.add(CLOSED);
        } finally {
            machine.sim().unlockForMachine();
        }
    }

    @Override
    public String toString() {
        return "SimBind(" + machine.name() + ":" + port + ")";
    }
}
