package dev.trellis.protocol.http;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * An HTTP/1.1 server on a TCP port (optionally TLS) or a Unix socket: one virtual thread accepts,
 * one virtual thread per connection serves. See {@link HttpLimits} for what it bounds and
 * {@link Handler} for what a handler owes it.
 */
public final class HttpServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(HttpServer.class.getName());
    private static final String OVERLOADED_BODY = "server is at its connection limit\n";
    private static final byte[] OVERLOADED = ("HTTP/1.1 503 Service Unavailable\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: " + OVERLOADED_BODY.length()
            + "\r\nConnection: close\r\n\r\n" + OVERLOADED_BODY).getBytes(StandardCharsets.US_ASCII);

    private final Listener listener;
    private final Handler handler;
    private final HttpLimits limits;
    private final SSLContext tls;
    private final Set<Transport> open = ConcurrentHashMap.newKeySet();
    private final Set<Transport> refusing = ConcurrentHashMap.newKeySet();
    private final InetSocketAddress tcpAddress;
    private final Path unixPath;
    private final Thread acceptor;
    private volatile boolean closed;

    /** The listening socket, whichever family. */
    private interface Listener {
        Transport accept() throws IOException;

        void close();
    }

    private HttpServer(Listener listener, InetSocketAddress tcpAddress, Path unixPath, SSLContext tls,
            Handler handler, HttpLimits limits) {
        this.listener = listener;
        this.tcpAddress = tcpAddress;
        this.unixPath = unixPath;
        this.tls = tls;
        this.handler = Objects.requireNonNull(handler, "handler");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.acceptor = Thread.ofVirtual()
                .name("trellis-http-accept " + (tcpAddress != null ? tcpAddress : unixPath))
                .start(this::acceptLoop);
    }

    /** Listens on {@code bind} (port 0 picks a free port), with TLS if {@code tlsOrNull} is given. */
    public static HttpServer tcp(InetSocketAddress bind, SSLContext tlsOrNull, Handler handler, HttpLimits limits)
            throws IOException {
        ServerSocket socket = new ServerSocket();
        try {
            socket.setReuseAddress(true);
            socket.bind(bind, 128);
        } catch (IOException e) {
            socket.close();
            throw new IOException("cannot listen on " + bind + ": " + e.getMessage(), e);
        }
        Listener listener = new Listener() {
            @Override
            public Transport accept() throws IOException {
                Socket s = socket.accept();
                try {
                    return SocketTransport.plain(s);
                } catch (IOException e) {
                    s.close();
                    throw e;
                }
            }

            @Override
            public void close() {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // nothing left to release
                }
            }
        };
        return new HttpServer(listener, (InetSocketAddress) socket.getLocalSocketAddress(), null, tlsOrNull,
                handler, limits);
    }

    /**
     * Listens on a Unix socket at {@code socketPath}. A socket file left by a dead server is
     * replaced; if a server still answers there, or the path is not a socket, this refuses. The
     * file is removed again by {@link #close()}. Who may connect is up to the handler (see
     * {@link HttpExchange#peer()}) and to the directory's permissions.
     */
    public static HttpServer unix(Path socketPath, Handler handler, HttpLimits limits) throws IOException {
        removeStaleSocket(socketPath);
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        Object fileKey;
        try {
            channel.bind(UnixDomainSocketAddress.of(socketPath), 128);
            fileKey = Files.readAttributes(socketPath, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException e) {
            channel.close();
            throw new IOException("cannot listen on " + socketPath + ": " + e.getMessage(), e);
        }
        Listener listener = new Listener() {
            @Override
            public Transport accept() throws IOException {
                SocketChannel c = channel.accept();
                return UnixTransport.accepted(c);
            }

            @Override
            public void close() {
                try {
                    channel.close();
                    // Only our own socket file: another server may have replaced it since.
                    BasicFileAttributes now = Files.readAttributes(socketPath, BasicFileAttributes.class,
                            LinkOption.NOFOLLOW_LINKS);
                    if (fileKey != null && fileKey.equals(now.fileKey())) {
                        Files.deleteIfExists(socketPath);
                    }
                } catch (IOException ignored) {
                    // already gone
                }
            }
        };
        return new HttpServer(listener, null, socketPath, null, handler, limits);
    }

    private static void removeStaleSocket(Path path) throws IOException {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        }
        if (!attrs.isOther()) {
            throw new IOException("refusing to replace " + path + ": it exists and is not a socket");
        }
        SocketChannel probe;
        try {
            probe = UnixTransport.connectChannel(path, 1000);
        } catch (SocketTimeoutException e) {
            throw new IOException("another server is listening on " + path + " (it did not accept within 1 s)");
        } catch (ConnectException e) {
            Files.deleteIfExists(path); // nobody listens: a dead server's leftover
            return;
        }
        probe.close();
        throw new IOException("another server is listening on " + path);
    }

    /** The bound address of a TCP server (with the actual port when bound to port 0). */
    public InetSocketAddress tcpAddress() {
        if (tcpAddress == null) {
            throw new IllegalStateException("not a TCP server: " + unixPath);
        }
        return tcpAddress;
    }

    /** The socket file of a Unix server. */
    public Path unixPath() {
        if (unixPath == null) {
            throw new IllegalStateException("not a Unix-socket server: " + tcpAddress);
        }
        return unixPath;
    }

    /** Connections being served, streaming or upgraded (not those being refused with 503). */
    public int openConnections() {
        return open.size();
    }

    /**
     * Stops accepting and closes every connection, including streaming and upgraded ones, so their
     * blocked reads and writes fail at once. Handlers still running see their next I/O fail.
     * Returns within about a second; idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        listener.close();
        for (Transport t : open) {
            t.close();
        }
        for (Transport t : refusing) {
            t.close();
        }
        try {
            acceptor.join(TimeUnit.SECONDS.toMillis(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    boolean isClosed() {
        return closed;
    }

    Handler handler() {
        return handler;
    }

    private void acceptLoop() {
        while (!closed) {
            Transport t;
            try {
                t = listener.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                // e.g. out of file descriptors: keep serving those we have, and try again soon
                LOG.log(System.Logger.Level.WARNING, "accept failed: {0}", e.toString());
                pause();
                continue;
            }
            if (open.size() >= limits.maxConnections()) {
                refuse(t);
                continue;
            }
            open.add(t);
            t.onClose(() -> open.remove(t));
            if (closed) { // close() may have swept the set before this connection joined it
                t.close();
                return;
            }
            Thread.ofVirtual().name("trellis-http " + t.remoteAddress())
                    .start(new ServerConnection(this, t, tls, limits));
        }
    }

    /**
     * Answers 503 and closes, off the accept thread. Over TLS it closes at once: answering would
     * cost a handshake, which is what an overloaded server should not spend. At most
     * {@code maxConnections} refusals run at a time; beyond that, connections are closed unanswered.
     */
    private void refuse(Transport t) {
        if (tls != null || refusing.size() >= limits.maxConnections()) {
            t.close();
            return;
        }
        refusing.add(t);
        t.onClose(() -> refusing.remove(t));
        Thread.ofVirtual().name("trellis-http-refuse").start(() -> {
            try {
                var out = t.output(1000);
                out.write(OVERLOADED);
                out.flush();
                ServerConnection.lingeringClose(t, new ConnectionInput(t, 1024));
            } catch (IOException e) {
                t.close();
            }
        });
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
