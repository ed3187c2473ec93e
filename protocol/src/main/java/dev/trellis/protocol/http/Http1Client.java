package dev.trellis.protocol.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * A blocking HTTP/1.1 client for one server (a base URL or a Unix socket), safe for concurrent use.
 * Kept-alive connections are reused; one idle longer than {@link #MAX_IDLE} is not, and a request
 * with an idempotent method that finds a reused connection closed by the server is retried once
 * on a new connection. Every response is bounded by {@link ClientLimits}.
 */
public final class Http1Client implements AutoCloseable {
    /** Kept below a server's idle timeout, so reuse rarely meets a connection the server dropped. */
    static final Duration MAX_IDLE = Duration.ofSeconds(30);
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE");
    private static final Set<String> RESERVED_HEADERS = Set.of("content-length", "transfer-encoding", "connection", "upgrade");
    private static final int MAX_ERROR_TEXT = 4096;

    @FunctionalInterface
    private interface Connector {
        Transport connect() throws IOException;
    }

    private final Connector connector;
    private final String host;
    private final ClientLimits limits;
    private final Deque<ClientConnection> idle = new ArrayDeque<>();
    private volatile boolean closed;

    private Http1Client(Connector connector, String host, ClientLimits limits) {
        this.connector = connector;
        this.host = host;
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /** A client for {@code http://host[:port]} or {@code https://host[:port]} (no path); null TLS context means the JDK default. */
    public static Http1Client tcp(URI baseUrl, SSLContext tlsOrNullForDefault, Duration connectTimeout) {
        return tcp(baseUrl, tlsOrNullForDefault, connectTimeout, ClientLimits.defaults());
    }

    public static Http1Client tcp(URI baseUrl, SSLContext tlsOrNullForDefault, Duration connectTimeout, ClientLimits limits) {
        String scheme = baseUrl.getScheme();
        boolean https = "https".equalsIgnoreCase(scheme);
        if (!https && !"http".equalsIgnoreCase(scheme)) {
            throw new IllegalArgumentException("base URL must be http:// or https://, got " + baseUrl);
        }
        if (baseUrl.getHost() == null || baseUrl.getRawUserInfo() != null || baseUrl.getRawQuery() != null
                || baseUrl.getRawFragment() != null || !(baseUrl.getRawPath() == null
                || baseUrl.getRawPath().isEmpty() || baseUrl.getRawPath().equals("/"))) {
            throw new IllegalArgumentException("base URL must be scheme://host[:port] alone, got " + baseUrl);
        }
        String hostName = baseUrl.getHost().startsWith("[")
                ? baseUrl.getHost().substring(1, baseUrl.getHost().length() - 1) : baseUrl.getHost();
        int port = baseUrl.getPort() >= 0 ? baseUrl.getPort() : https ? 443 : 80;
        int connectMillis = HttpLimits.Timeouts.millis(positive(connectTimeout));
        SSLContext tls = !https ? null : tlsOrNullForDefault != null ? tlsOrNullForDefault : defaultTls();
        Connector connector = () -> {
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(hostName, port), connectMillis);
            } catch (IOException e) {
                socket.close();
                throw e;
            }
            SocketTransport t = SocketTransport.plain(socket);
            if (tls != null) {
                t.startClientTls(tls, hostName, port, connectMillis);
            }
            return t;
        };
        return new Http1Client(connector, baseUrl.getRawAuthority(), limits);
    }

    /** A client for a server on the Unix socket at {@code socketPath}; requests carry {@code Host: localhost}. */
    public static Http1Client unix(Path socketPath, Duration connectTimeout) {
        return unix(socketPath, connectTimeout, ClientLimits.defaults());
    }

    public static Http1Client unix(Path socketPath, Duration connectTimeout, ClientLimits limits) {
        Objects.requireNonNull(socketPath, "socketPath");
        int connectMillis = HttpLimits.Timeouts.millis(positive(connectTimeout));
        return new Http1Client(() -> UnixTransport.connect(socketPath, connectMillis), "localhost", limits);
    }

    /** Sends a request and reads the whole response, within {@link ClientLimits#maxBodyBytes()}. */
    public HttpResult send(String method, String pathAndQuery, Map<String, String> headers, byte[] bodyOrNull)
            throws IOException {
        String head = requestHead(method, pathAndQuery, headers, bodyOrNull, null);
        boolean toHead = method.equals("HEAD");
        for (int attempt = 0; ; attempt++) {
            ClientConnection conn = takeIdle();
            boolean reused = conn != null;
            if (!reused) {
                conn = new ClientConnection(connector.connect(), limits);
            }
            try {
                boolean answered;
                boolean writeFailed = false;
                try {
                    conn.writeRequest(head, bodyOrNull);
                } catch (SocketTimeoutException e) {
                    throw e;
                } catch (IOException e) {
                    // The server may have answered early (413, 401) and closed before taking the
                    // whole body; its answer can still be waiting in our receive buffer.
                    writeFailed = true;
                }
                try {
                    answered = conn.awaitResponse();
                } catch (IOException e) {
                    if (e instanceof SocketTimeoutException && !writeFailed) {
                        throw e;
                    }
                    answered = false;
                }
                if (!answered) {
                    conn.close();
                    if (reused && attempt == 0 && IDEMPOTENT.contains(method)) {
                        continue; // the server had closed the idle connection
                    }
                    throw new IOException("server closed the connection without answering " + method + " " + pathAndQuery);
                }
                ResponseHead response = conn.readHead();
                if (response.status() == 101) {
                    throw new ProtocolException("server switched protocols without being asked");
                }
                BodyInput body = conn.body(response, toHead, false);
                byte[] bytes = ClientConnection.readAll(body, limits.maxBodyBytes());
                // A body delimited by the server's close leaves nothing to reuse.
                if (!writeFailed && body.complete() && !response.closesConnection()
                        && !(body instanceof BodyInput.UntilClose)) {
                    release(conn);
                } else {
                    conn.close();
                }
                return new HttpResult(response.status(), response.headers(), bytes);
            } catch (IOException | RuntimeException e) {
                conn.close();
                throw e;
            }
        }
    }

    /**
     * Sends a request and returns as soon as the response head has arrived; the body is read as
     * it comes. The connection is not reused: closing the result closes it.
     */
    public StreamingResult stream(String method, String pathAndQuery, Map<String, String> headers, byte[] bodyOrNull)
            throws IOException {
        String head = requestHead(method, pathAndQuery, headers, bodyOrNull, null);
        ClientConnection conn = new ClientConnection(connector.connect(), limits);
        try {
            conn.writeRequest(head, bodyOrNull);
            if (!conn.awaitResponse()) {
                throw new IOException("server closed the connection without answering " + method + " " + pathAndQuery);
            }
            ResponseHead response = conn.readHead();
            if (response.status() == 101) {
                throw new ProtocolException("server switched protocols without being asked");
            }
            BodyInput body = conn.body(response, method.equals("HEAD"), true);
            return new StreamingResult(response.status(), response.headers(), conn.streamOf(body));
        } catch (IOException | RuntimeException e) {
            conn.close();
            throw e;
        }
    }

    /**
     * Asks the server to switch this connection to {@code protocol} ({@code POST} with
     * {@code Connection: Upgrade} and {@code Upgrade: protocol}) and, on 101, returns the raw
     * connection, with any bytes the server sent right after its 101 kept at the front of
     * {@code in()}. Any other status throws {@link HttpStatusException} with the server's status
     * and the start of its error text.
     */
    public UpgradedConnection upgrade(String pathAndQuery, String protocol, Map<String, String> headers)
            throws IOException {
        Syntax.requireToken(protocol, "upgrade protocol");
        String head = requestHead("POST", pathAndQuery, headers, null, protocol);
        ClientConnection conn = new ClientConnection(connector.connect(), limits);
        try {
            conn.writeRequest(head, null);
            if (!conn.awaitResponse()) {
                throw new IOException("server closed the connection without answering the upgrade to " + protocol);
            }
            ResponseHead response = conn.readHead();
            if (response.status() != 101) {
                String text = ClientConnection.prefix(conn.body(response, false, false), MAX_ERROR_TEXT);
                conn.close();
                throw new HttpStatusException(response.status(), "server refused the upgrade to " + protocol + ": "
                        + response.status() + (text.isEmpty() ? "" : " " + text));
            }
            if (!response.headers().hasToken("Upgrade", protocol) || !response.headers().hasToken("Connection", "upgrade")) {
                throw new ProtocolException("server switched protocols, but not to " + protocol);
            }
            return conn.upgraded(response.headers());
        } catch (IOException | RuntimeException e) {
            conn.close();
            throw e;
        }
    }

    /** Closes the idle connections; streams and upgraded connections already handed out stay open. */
    @Override
    public void close() {
        closed = true;
        synchronized (idle) {
            idle.forEach(ClientConnection::close);
            idle.clear();
        }
    }

    private String requestHead(String method, String target, Map<String, String> headers, byte[] body, String upgrade)
            throws IOException {
        if (closed) {
            throw new IOException("client is closed");
        }
        Syntax.requireToken(method, "method");
        if (target == null || !target.startsWith("/") || !target.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("request target must start with '/' and be visible ASCII: "
                    + Syntax.printable(target));
        }
        HttpHeaders extra = HttpHeaders.of(headers == null ? Map.of() : headers);
        StringBuilder h = new StringBuilder(256).append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        if (!extra.contains("Host")) {
            h.append("Host: ").append(host).append("\r\n");
        }
        extra.forEach((name, value) -> {
            if (RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException(name + " is set by the client, not the caller");
            }
            h.append(name).append(": ").append(value).append("\r\n");
        });
        if (upgrade != null) {
            h.append("Connection: Upgrade\r\nUpgrade: ").append(upgrade).append("\r\n");
        } else if (limits.maxIdleConnections() == 0) {
            h.append("Connection: close\r\n"); // RFC 9112 §9.6: a client that keeps no connections says so
        }
        if (body != null) {
            h.append("Content-Length: ").append(body.length).append("\r\n");
        }
        return h.append("\r\n").toString();
    }

    private ClientConnection takeIdle() {
        long now = System.nanoTime();
        synchronized (idle) {
            for (ClientConnection c; (c = idle.pollFirst()) != null; ) {
                if (!c.transport.isClosed() && now - c.idleSince < MAX_IDLE.toNanos() && c.in.buffered() == 0) {
                    return c;
                }
                c.close();
            }
        }
        return null;
    }

    private void release(ClientConnection conn) {
        conn.idleSince = System.nanoTime();
        synchronized (idle) {
            if (!closed && idle.size() < limits.maxIdleConnections()) {
                idle.addFirst(conn);
                return;
            }
        }
        conn.close();
    }

    private static Duration positive(Duration d) {
        HttpLimits.Timeouts.checkPositive(d, "connect timeout");
        return d;
    }

    private static SSLContext defaultTls() {
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no default TLS context", e);
        }
    }
}
