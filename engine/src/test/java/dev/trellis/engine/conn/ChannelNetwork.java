package dev.trellis.engine.conn;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * An in-memory UDP network (like wireguard-go's bindtest.ChannelBind): binds on one fake host
 * address exchange datagrams through queues. A filter can drop or observe datagrams in flight.
 */
public final class ChannelNetwork {
    private final Map<InetSocketAddress, ChannelBind> binds = new ConcurrentHashMap<>();
    private final AtomicInteger nextPort = new AtomicInteger(40000);
    private volatile Predicate<Datagram> filter = d -> true;

    public record Datagram(InetSocketAddress from, InetSocketAddress to, byte[] data) {}

    /** Replaces the in-flight filter: return false to drop a datagram. */
    public void setFilter(Predicate<Datagram> f) {
        filter = f;
    }

    public ChannelBind bind(String hostAddress) {
        try {
            return new ChannelBind(InetAddress.getByName(hostAddress));
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Delivers a datagram as if sent from {@code from}; used by tests to inject raw bytes. */
    public void inject(InetSocketAddress from, InetSocketAddress to, byte[] data) {
        ChannelBind b = binds.get(to);
        if (b != null) {
            b.queue.add(new Datagram(from, to, data.clone()));
        }
    }

    public final class ChannelBind implements Bind {
        private static final Datagram CLOSE = new Datagram(null, null, null);
        private final InetAddress host;
        final LinkedBlockingQueue<Datagram> queue = new LinkedBlockingQueue<>();
        private volatile InetSocketAddress local;

        ChannelBind(InetAddress host) {
            this.host = host;
        }

        public InetSocketAddress localAddress() {
            return local;
        }

        @Override
        public synchronized int open(int port) throws IOException {
            int p = port == 0 ? nextPort.getAndIncrement() : port;
            InetSocketAddress addr = new InetSocketAddress(host, p);
            if (binds.putIfAbsent(addr, this) != null) {
                throw new java.net.BindException("address in use: " + addr);
            }
            queue.clear();
            local = addr;
            return p;
        }

        @Override
        public InetSocketAddress receive(ByteBuffer dst) throws IOException {
            Datagram d;
            try {
                d = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ClosedChannelException();
            }
            if (d == CLOSE) {
                throw new ClosedChannelException();
            }
            dst.put(d.data(), 0, Math.min(d.data().length, dst.remaining()));
            return d.from();
        }

        @Override
        public void send(ByteBuffer src, InetSocketAddress to) throws IOException {
            InetSocketAddress me = local;
            if (me == null) {
                throw new ClosedChannelException();
            }
            byte[] data = new byte[src.remaining()];
            src.get(data);
            Datagram d = new Datagram(me, to, data);
            if (!filter.test(d)) {
                return;
            }
            ChannelBind target = binds.get(to);
            if (target != null) {
                target.queue.add(d);
            }
        }

        @Override
        public synchronized void close() {
            InetSocketAddress me = local;
            if (me != null) {
                binds.remove(me, this);
                local = null;
                queue.add(CLOSE);
            }
        }
    }
}
