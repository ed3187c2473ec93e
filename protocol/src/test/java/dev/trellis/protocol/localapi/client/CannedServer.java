package dev.trellis.protocol.localapi.client;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A tiny Unix-socket HTTP server for tests: each connection gets its own thread, its request is
 * parsed and recorded, and the {@link Responder} writes whatever raw bytes the test wants,
 * well-formed or not, all at once or in timed pieces.
 */
public final class CannedServer implements AutoCloseable {
    public record Request(String method, String target, Map<String, String> headers, byte[] body) {
        public String bodyText() {
            return new String(body, UTF_8);
        }
    }

    public interface Responder {
        void respond(Request request, SocketChannel ch) throws Exception;
    }

    public final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    private final ServerSocketChannel server;
    private final Thread acceptor;

    public CannedServer(Path socket, Responder responder) throws IOException {
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        acceptor = Thread.ofPlatform().daemon().name("canned-server").start(() -> {
            while (server.isOpen()) {
                try {
                    SocketChannel ch = server.accept();
                    Thread.ofVirtual().start(() -> serve(ch, responder));
                } catch (IOException e) {
                    return; // closed
                }
            }
        });
    }

    private void serve(SocketChannel ch, Responder responder) {
        try (ch) {
            Request req = readRequest(ch);
            requests.add(req);
            responder.respond(req, ch);
        } catch (Exception e) {
            // The client went away or the test is over.
        }
    }

    static Request readRequest(SocketChannel ch) throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(4096);
        int headEnd;
        while ((headEnd = indexOf(raw.toByteArray(), "\r\n\r\n".getBytes(ISO_8859_1))) < 0) {
            buf.clear();
            if (ch.read(buf) < 0 || raw.size() > 65536) {
                throw new IOException("bad request");
            }
            raw.write(buf.array(), 0, buf.position());
        }
        byte[] all = raw.toByteArray();
        String[] lines = new String(all, 0, headEnd, ISO_8859_1).split("\r\n");
        String[] start = lines[0].split(" ");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int c = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, c).toLowerCase(Locale.ROOT), lines[i].substring(c + 1).strip());
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(all, headEnd + 4, all.length - headEnd - 4);
        while (body.size() < length) {
            buf.clear();
            if (ch.read(buf) < 0) {
                throw new IOException("short body");
            }
            body.write(buf.array(), 0, buf.position());
        }
        return new Request(start[0], start[1], headers, body.toByteArray());
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    public static void write(SocketChannel ch, String text) throws IOException {
        write(ch, text.getBytes(UTF_8));
    }

    public static void write(SocketChannel ch, byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /** A complete response with a Content-Length body. */
    public static String response(int status, String reason, String contentType, String body) {
        byte[] b = body.getBytes(UTF_8);
        return "HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: " + contentType
                + "\r\nContent-Length: " + b.length + "\r\n\r\n" + body;
    }

    /** One chunk of a chunked body. */
    public static String chunk(String data) {
        return Integer.toHexString(data.getBytes(UTF_8).length) + "\r\n" + data + "\r\n";
    }

    @Override
    public void close() throws IOException {
        server.close();
        try {
            acceptor.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
