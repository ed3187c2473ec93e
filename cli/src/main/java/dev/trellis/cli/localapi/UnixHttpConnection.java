package dev.trellis.cli.localapi;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.Closeable;
import java.io.IOException;
import java.net.ProtocolException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 exchange over a Unix domain socket: the request is sent with
 * {@code Connection: close}, so each connection carries exactly one request. Every wait has a
 * {@link Deadline} (the channel is non-blocking and waits in a selector), and every length read
 * from the peer is bounded before it is used.
 */
final class UnixHttpConnection implements Closeable {
    static final int MAX_LINE = 8 * 1024;
    static final int MAX_HEAD = 64 * 1024;
    static final int MAX_HEADERS = 100;

    private final SocketChannel channel;
    private final Selector selector;
    private final SelectionKey key;
    private final ByteBuffer in = ByteBuffer.allocate(16 * 1024).flip();
    private boolean eof;

    private UnixHttpConnection(SocketChannel channel) throws IOException {
        this.channel = channel;
        channel.configureBlocking(false);
        this.selector = Selector.open();
        this.key = channel.register(selector, 0);
    }

    /**
     * Connects to {@code socket}. Connecting to a Unix socket does not wait for the server to
     * accept, so the blocking connect is immediate; the deadlines start with the request.
     */
    static UnixHttpConnection connect(Path socket) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
            return new UnixHttpConnection(ch);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Sends a request; {@code body} may be null (no body; Content-Length 0 unless GET). */
    void sendRequest(String method, String target, Map<String, String> headers, byte[] body, Deadline deadline)
            throws IOException {
        StringBuilder head = new StringBuilder(256);
        head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        if (body != null || !method.equals("GET")) {
            head.append("Content-Length: ").append(body == null ? 0 : body.length).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        write(ByteBuffer.wrap(head.toString().getBytes(ISO_8859_1)), deadline);
        if (body != null && body.length > 0) {
            write(ByteBuffer.wrap(body), deadline);
        }
    }

    /** Reads the status line and header fields, skipping interim (1xx) responses. */
    ResponseHead readHead(Deadline deadline) throws IOException {
        while (true) {
            int budget = MAX_HEAD;
            String statusLine = readLine(deadline);
            if (statusLine == null) {
                throw new ProtocolException("connection closed before the response");
            }
            budget -= statusLine.length();
            int status = parseStatus(statusLine);
            Map<String, List<String>> headers = new LinkedHashMap<>();
            int count = 0;
            while (true) {
                String line = readLine(deadline);
                if (line == null) {
                    throw new ProtocolException("connection closed inside the response header");
                }
                if (line.isEmpty()) {
                    break;
                }
                budget -= line.length();
                if (budget < 0 || ++count > MAX_HEADERS) {
                    throw new ProtocolException("response header larger than " + MAX_HEAD + " bytes or "
                            + MAX_HEADERS + " fields");
                }
                addHeader(headers, line);
            }
            if (status >= 100 && status < 200) {
                continue;
            }
            int sp = statusLine.indexOf(' ', 9);
            String reason = sp < 0 ? "" : statusLine.substring(sp + 1);
            return new ResponseHead(status, reason, headers);
        }
    }

    private static int parseStatus(String line) throws ProtocolException {
        // "HTTP/1.1 200 OK"; the reason phrase may be empty or absent.
        if (line.length() < 12 || !line.startsWith("HTTP/1.") || line.charAt(8) != ' '
                || (line.length() > 12 && line.charAt(12) != ' ')) {
            throw new ProtocolException("not an HTTP/1.x status line: " + printable(line));
        }
        int status = 0;
        for (int i = 9; i < 12; i++) {
            char c = line.charAt(i);
            if (c < '0' || c > '9') {
                throw new ProtocolException("bad status code in: " + printable(line));
            }
            status = status * 10 + (c - '0');
        }
        if (status < 100 || status > 599) {
            throw new ProtocolException("status code out of range in: " + printable(line));
        }
        return status;
    }

    private static void addHeader(Map<String, List<String>> headers, String line) throws ProtocolException {
        int colon = line.indexOf(':');
        if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t') {
            throw new ProtocolException("malformed header field: " + printable(line));
        }
        String name = line.substring(0, colon);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c >= 0x7f || "\"(),/:;<=>?@[\\]{}".indexOf(c) >= 0) {
                throw new ProtocolException("malformed header name: " + printable(name));
            }
        }
        headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                .add(line.substring(colon + 1).strip());
    }

    /**
     * A line ending in LF (an optional CR before it is dropped), decoded as ISO-8859-1; null at
     * end of stream with nothing read.
     */
    String readLine(Deadline deadline) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            while (in.hasRemaining()) {
                byte b = in.get();
                if (b == '\n') {
                    int n = sb.length();
                    if (n > 0 && sb.charAt(n - 1) == '\r') {
                        sb.setLength(n - 1);
                    }
                    return sb.toString();
                }
                if (sb.length() >= MAX_LINE) {
                    throw new ProtocolException("line longer than " + MAX_LINE + " bytes");
                }
                sb.append((char) (b & 0xff));
            }
            if (!fill(deadline)) {
                if (sb.isEmpty()) {
                    return null;
                }
                throw new ProtocolException("connection closed inside a line");
            }
        }
    }

    /** Up to {@code len} bytes; -1 at end of stream. Waits only when nothing is buffered. */
    int read(byte[] dst, int off, int len, Deadline deadline) throws IOException {
        if (!in.hasRemaining() && !fill(deadline)) {
            return -1;
        }
        int n = Math.min(len, in.remaining());
        in.get(dst, off, n);
        return n;
    }

    /** Refills the empty buffer; false at end of stream. */
    private boolean fill(Deadline deadline) throws IOException {
        if (eof) {
            return false;
        }
        in.clear();
        try {
            while (true) {
                int n = channel.read(in);
                if (n < 0) {
                    eof = true;
                    return false;
                }
                if (n > 0) {
                    return true;
                }
                await(SelectionKey.OP_READ, deadline);
            }
        } finally {
            in.flip();
        }
    }

    private void write(ByteBuffer buf, Deadline deadline) throws IOException {
        while (buf.hasRemaining()) {
            if (channel.write(buf) == 0) {
                await(SelectionKey.OP_WRITE, deadline);
            }
        }
    }

    private void await(int op, Deadline deadline) throws IOException {
        key.interestOps(op);
        try {
            while (selector.select(deadline.selectMillis()) == 0) {
                // A wakeup or spurious return: selectMillis() throws once the deadline passes.
            }
            selector.selectedKeys().clear();
        } finally {
            key.interestOps(0);
        }
    }

    /** Peer text for an error message: control characters escaped, at most 100 characters. */
    static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && sb.length() < 100; i++) {
            char c = s.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return s.length() > 100 ? sb + "…" : sb.toString();
    }

    @Override
    public void close() {
        try {
            selector.close();
        } catch (IOException ignored) {
            // Closing a selector only fails if it is already unusable; nothing to do.
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // The connection is being abandoned; a failed close changes nothing for the caller.
        }
    }
}
