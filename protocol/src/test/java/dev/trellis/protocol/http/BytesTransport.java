package dev.trellis.protocol.http;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** A transport whose peer sent exactly {@code input} and then closed; what we write is kept. */
final class BytesTransport extends Transport {
    final ByteArrayOutputStream written = new ByteArrayOutputStream();
    private final InputStream in;

    BytesTransport(byte[] input) {
        this.in = new ByteArrayInputStream(input);
    }

    @Override
    InputStream input() {
        return in;
    }

    @Override
    OutputStream rawOutput() {
        return written;
    }

    @Override
    void readTimeout(int millis) {}

    @Override
    SocketAddress remoteAddress() {
        return InetSocketAddress.createUnresolved("test", 1);
    }

    @Override
    void shutdownOutput() {}

    @Override
    protected void closeNow() {}
}
