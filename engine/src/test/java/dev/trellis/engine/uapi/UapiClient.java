package dev.trellis.engine.uapi;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** A raw UAPI client for tests: writes exactly what it is given, reads one reply at a time. */
final class UapiClient implements AutoCloseable {
    private final SocketChannel channel;
    private final ByteBuffer in = ByteBuffer.allocate(1 << 16).flip();

    UapiClient(Path socket) throws IOException {
        channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(socket));
    }

    UapiClient send(String text) throws IOException {
        ByteBuffer out = ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
        while (out.hasRemaining()) {
            channel.write(out);
        }
        return this;
    }

    /** Writes the request, then reads its reply. */
    String request(String text) throws IOException {
        return send(text).reply();
    }

    void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    /** Everything up to and including {@code errno=N\n\n}; null if the server hung up first. */
    String reply() throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (!in.hasRemaining()) {
                in.clear();
                int n = channel.read(in);
                in.flip();
                if (n < 0) {
                    return null;
                }
            }
            sb.append((char) (in.get() & 0xff));
            int errno = sb.lastIndexOf("errno=");
            if (sb.length() >= 2 && sb.charAt(sb.length() - 1) == '\n' && sb.charAt(sb.length() - 2) == '\n'
                    && errno >= 0 && (errno == 0 || sb.charAt(errno - 1) == '\n')) {
                return sb.toString();
            }
        }
    }

    /**
     * True once the server has closed the connection and sent nothing more. A server that closes
     * with our bytes still unread makes Linux report ECONNRESET rather than end of stream.
     */
    boolean hungUp() throws IOException {
        if (in.hasRemaining()) {
            return false;
        }
        in.clear();
        try {
            int n = channel.read(in);
            in.flip();
            return n < 0;
        } catch (IOException e) {
            if ("Connection reset by peer".equals(e.getMessage())) {
                return true;
            }
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
