package dev.trellis.engine.conn;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;

/** The portable {@link Bind}: one dual-stack JDK {@link DatagramChannel} in blocking mode. */
public final class DatagramBind implements Bind {
    private static final int SOCKET_BUFFER = 4 << 20;
    private volatile DatagramChannel channel;

    @Override
    public synchronized int open(int port) throws IOException {
        if (channel != null) {
            throw new IllegalStateException("already open");
        }
        DatagramChannel ch = DatagramChannel.open();
        try {
            ch.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER);
            ch.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER);
            ch.bind(new InetSocketAddress(port));
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        channel = ch;
        return ((InetSocketAddress) ch.getLocalAddress()).getPort();
    }

    @Override
    public InetSocketAddress receive(ByteBuffer dst) throws IOException {
        DatagramChannel ch = channel;
        if (ch == null) {
            throw new ClosedChannelException();
        }
        SocketAddress from = ch.receive(dst);
        return (InetSocketAddress) from;
    }

    @Override
    public void send(ByteBuffer src, InetSocketAddress to) throws IOException {
        DatagramChannel ch = channel;
        if (ch == null) {
            throw new ClosedChannelException();
        }
        ch.send(src, to);
    }

    @Override
    public synchronized void close() throws IOException {
        DatagramChannel ch = channel;
        channel = null;
        if (ch != null) {
            ch.close();
        }
    }
}
