package dev.trellis.protocol.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;

/**
 * A raw TCP socket for sending exactly the bytes a test wants and reading back what the server
 * said. Every read is bounded by a 10 s socket timeout so a server bug fails the test instead of
 * hanging it.
 */
final class RawClient implements AutoCloseable {
    final Socket socket;
    final InputStream in;
    final OutputStream out;

    RawClient(InetSocketAddress address) throws IOException {
        socket = new Socket();
        socket.connect(address, 5000);
        socket.setSoTimeout(10_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    RawClient send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    RawClient send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** One line without its CRLF, or null at end of stream. */
    String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) >= 0; ) {
            if (b == '\n') {
                String s = line.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            if (line.size() > 64 * 1024) {
                throw new IOException("line too long");
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    /** The status line and headers of the next response, up to the empty line. */
    String head() throws IOException {
        StringBuilder head = new StringBuilder();
        for (String line; (line = line()) != null && !line.isEmpty(); ) {
            head.append(line).append('\n');
        }
        return head.toString();
    }

    /** The status code of the next response, or -1 if the server closed without one. */
    int status() throws IOException {
        String head = head();
        if (head.isEmpty()) {
            return -1;
        }
        return Integer.parseInt(head.substring(9, 12));
    }

    byte[] read(int n) throws IOException {
        return in.readNBytes(n);
    }

    /** True if the server closed the connection (after any bytes still unread). */
    boolean closedByServer() throws IOException {
        try {
            byte[] rest = new byte[8192];
            while (true) {
                int n = in.read(rest);
                if (n < 0) {
                    return true;
                }
            }
        } catch (SocketException e) {
            return true; // reset
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** Reads a message head (through the empty line) from a stream, byte by byte, as text. */
    record Head(InputStream in) {
        String read() throws IOException {
            StringBuilder head = new StringBuilder();
            for (int b; (b = in.read()) >= 0; ) {
                head.append((char) b);
                if (head.length() > 64 * 1024) {
                    throw new IOException("head too long");
                }
                if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                    return head.toString();
                }
            }
            throw new IOException("end of stream inside a head");
        }
    }
}
