package dev.trellis.protocol.localapi.client;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.trellis.protocol.http.ClientLimits;
import dev.trellis.protocol.http.Http1Client;
import dev.trellis.protocol.http.HttpResult;
import dev.trellis.protocol.http.StreamingResult;
import dev.trellis.protocol.localapi.ErrorResponse;
import dev.trellis.protocol.localapi.LocalApiJson;
import dev.trellis.protocol.localapi.LocalApiJsonException;
import dev.trellis.protocol.localapi.LocalApiPaths;
import dev.trellis.protocol.localapi.MaskedPrefs;
import dev.trellis.protocol.localapi.Options;
import dev.trellis.protocol.localapi.Prefs;
import dev.trellis.protocol.localapi.PingResult;
import dev.trellis.protocol.localapi.Status;
import dev.trellis.protocol.localapi.WhoIsResponse;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.ProtocolException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link LocalApi} over trellisd's Unix socket with the shared {@link Http1Client}, one
 * connection per request. A request waits at most the request timeout for its connection, for
 * the response head, and for each read of the reply; a watch waits that long for its response
 * head and then as long as each {@link WatchStream#next} call allows.
 */
public final class UnixSocketLocalApi implements LocalApi {
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);
    /** Error bodies are read up to this size; the rest is dropped. */
    static final int MAX_ERROR_BODY = 64 * 1024;
    private static final byte[] NO_BODY = new byte[0];

    private final Path socket;
    private final Duration requestTimeout;
    private final String userAgent;
    private final int maxDocument;
    private final Http1Client http;

    public UnixSocketLocalApi(Path socket, String userAgent) {
        this(socket, DEFAULT_REQUEST_TIMEOUT, userAgent);
    }

    public UnixSocketLocalApi(Path socket, Duration requestTimeout, String userAgent) {
        this(socket, requestTimeout, userAgent, (int) LocalApiJson.MAX_DOCUMENT_LENGTH);
    }

    /**
     * With a smaller limit on a reply body and on one notification, for tests.
     *
     * @throws IllegalArgumentException if {@code requestTimeout} is not between 1 ms and 24 days
     */
    UnixSocketLocalApi(Path socket, Duration requestTimeout, String userAgent, int maxDocument) {
        this.socket = socket;
        this.requestTimeout = requestTimeout;
        this.userAgent = userAgent;
        this.maxDocument = maxDocument;
        ClientLimits d = ClientLimits.defaults();
        // No idle connections: a command makes a handful of requests, each on a connection of its
        // own that is closed after the reply, so none holds a slot of the daemon for nothing. With
        // nothing kept, the client never needs closing.
        ClientLimits limits = new ClientLimits(d.maxStatusLineBytes(), d.maxHeaderBytes(), d.maxHeaders(),
                maxDocument, requestTimeout, requestTimeout, 0);
        this.http = Http1Client.unix(socket, requestTimeout, limits);
    }

    @Override
    public Status status() throws LocalApiException {
        return decode(exchange("GET", LocalApiPaths.STATUS, null), Status.class, LocalApiPaths.STATUS);
    }

    @Override
    public String statusJson() throws LocalApiException {
        return new String(exchange("GET", LocalApiPaths.STATUS, null), UTF_8);
    }

    @Override
    public WhoIsResponse whois(String addr) throws LocalApiException {
        return decode(exchange("GET", LocalApiPaths.whois(addr), null), WhoIsResponse.class, LocalApiPaths.WHOIS);
    }

    @Override
    public String whoisJson(String addr) throws LocalApiException {
        return new String(exchange("GET", LocalApiPaths.whois(addr), null), UTF_8);
    }

    @Override
    public PingResult ping(String ip, String type) throws LocalApiException {
        return decode(exchange("POST", LocalApiPaths.ping(ip, type), null), PingResult.class, LocalApiPaths.PING);
    }

    @Override
    public dev.trellis.protocol.localapi.NetcheckReport netcheck() throws LocalApiException {
        return decode(exchange("GET", LocalApiPaths.NETCHECK, null), dev.trellis.protocol.localapi.NetcheckReport.class,
                LocalApiPaths.NETCHECK);
    }

    @Override
    public String netcheckJson() throws LocalApiException {
        return new String(exchange("GET", LocalApiPaths.NETCHECK, null), UTF_8);
    }

    @Override
    public String metrics() throws LocalApiException {
        return new String(exchange("GET", LocalApiPaths.METRICS, null), UTF_8);
    }

    @Override
    public Prefs prefs() throws LocalApiException {
        return decode(exchange("GET", LocalApiPaths.PREFS, null), Prefs.class, LocalApiPaths.PREFS);
    }

    @Override
    public Prefs editPrefs(MaskedPrefs edit) throws LocalApiException {
        byte[] reply = exchange("PATCH", LocalApiPaths.PREFS, LocalApiJson.encode(edit));
        return decode(reply, Prefs.class, LocalApiPaths.PREFS);
    }

    @Override
    public void start(Options options) throws LocalApiException {
        exchange("POST", LocalApiPaths.START, LocalApiJson.encode(options));
    }

    @Override
    public void loginInteractive() throws LocalApiException {
        exchange("POST", LocalApiPaths.LOGIN_INTERACTIVE, null);
    }

    @Override
    public void logout() throws LocalApiException {
        exchange("POST", LocalApiPaths.LOGOUT, null);
    }

    @Override
    public WatchStream watch(long mask) throws LocalApiException {
        String path = LocalApiPaths.WATCH_IPN_BUS;
        checkSocket();
        StreamingResult reply;
        try {
            reply = http.stream("GET", LocalApiPaths.watchIpnBus(mask), headers(false), null);
        } catch (IOException e) {
            throw transportFailure(e, path);
        }
        if (reply.status() >= 200 && reply.status() <= 299) {
            return new SocketWatchStream(reply, maxDocument);
        }
        try (reply) {
            // A streamed body waits forever by itself; the error text gets the request timeout.
            byte[] text = ReadTimer.within(requestTimeout, reply::close,
                    () -> reply.body().readNBytes(MAX_ERROR_BODY));
            throw errorReply(reply.status(), text, path);
        } catch (IOException e) {
            throw transportFailure(e, path);
        }
    }

    /**
     * One request and its whole reply. {@code json} is the body, or null for none; a POST or
     * PATCH without one still says {@code Content-Length: 0}, which the contract promises.
     */
    private byte[] exchange(String method, String path, byte[] json) throws LocalApiException {
        checkSocket();
        byte[] body = json != null ? json : method.equals("GET") ? null : NO_BODY;
        HttpResult reply;
        try {
            reply = http.send(method, path, headers(json != null), body);
        } catch (IOException e) {
            throw transportFailure(e, path);
        }
        if (!reply.isSuccess()) {
            throw errorReply(reply.status(), reply.body(), path);
        }
        return reply.body();
    }

    private Map<String, String> headers(boolean json) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Host", LocalApiPaths.HOST);
        h.put("User-Agent", userAgent);
        if (json) {
            h.put("Content-Type", "application/json");
        }
        return h;
    }

    /**
     * Tells "no socket" and "may not look" apart before connecting: the file system reports them
     * by errno, where a failed connect only has the JDK's message text.
     */
    private void checkSocket() throws LocalApiException {
        try {
            Files.readAttributes(socket, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw notRunning("no socket at " + socket, null);
        } catch (AccessDeniedException e) {
            throw new PermissionDeniedException("cannot reach " + socket, null);
        } catch (IOException e) {
            throw new LocalApiIoException("cannot inspect " + socket + ": " + e.getMessage(), e);
        }
    }

    /**
     * The failure for an exception from {@link Http1Client}, which throws a failed connect as
     * the JDK reported it: ECONNREFUSED as ConnectException and EACCES as BindException (the
     * JDK's errno mapping puts EACCES with the bind errors), whatever the locale of the message.
     */
    LocalApiException transportFailure(IOException e, String path) {
        return switch (e) {
            case SocketTimeoutException t -> new LocalApiTimeoutException("trellisd did not answer " + path
                    + " within " + seconds(requestTimeout) + ": it may be stuck; check `systemctl status trellisd`");
            case ConnectException c -> notRunning("nothing listens on " + socket, c);
            case BindException b -> new PermissionDeniedException("cannot open " + socket, writableGroup(socket));
            case ProtocolException p -> new LocalApiIoException("malformed reply to " + path + " ("
                    + p.getMessage() + "): is " + socket + " trellisd's socket?", p);
            default -> otherFailure(e, path);
        };
    }

    private LocalApiException otherFailure(IOException e, String path) {
        String msg = String.valueOf(e.getMessage());
        if (msg.contains("Permission denied")) {
            return new PermissionDeniedException("cannot open " + socket, writableGroup(socket));
        }
        // The socket went away between the check and the connect, or with the daemon mid-request.
        if (e instanceof SocketException && Files.notExists(socket)) {
            return notRunning("no socket at " + socket, e);
        }
        return new LocalApiIoException("connection to trellisd lost during " + path + ": " + msg, e);
    }

    static DaemonNotRunningException notRunning(String why, Throwable cause) {
        return new DaemonNotRunningException("trellisd is not running (" + why + ")",
                "start it with `sudo trellisd` or `systemctl start trellisd`", cause);
    }

    /** The socket's group if its members may connect (group write), else null. */
    static String writableGroup(Path socket) {
        try {
            PosixFileAttributes a = Files.readAttributes(socket, PosixFileAttributes.class);
            return a.permissions().contains(PosixFilePermission.GROUP_WRITE) ? a.group().getName() : null;
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    /** The exception for an error reply: its body is Tailscale's error JSON or plain text. */
    static LocalApiException errorReply(int status, byte[] body, String path) {
        byte[] raw = body.length > MAX_ERROR_BODY ? Arrays.copyOf(body, MAX_ERROR_BODY) : body;
        String message = null;
        String code = null;
        String group = null;
        try {
            ErrorResponse er = LocalApiJson.decode(raw, ErrorResponse.class);
            if (er.error() != null && !er.error().isBlank()) {
                message = er.error();
                code = er.code();
                group = er.group();
            }
        } catch (LocalApiJsonException notJson) {
            // Tailscale answers some errors with text/plain (http.Error); use the text.
        }
        if (message == null) {
            message = new String(raw, UTF_8).strip();
        }
        if (message.isEmpty()) {
            message = "HTTP " + status + " without an error message";
        }
        if (status == 403) {
            return new PermissionDeniedException(message, group);
        }
        return new LocalApiErrorException(status, code, message, path);
    }

    private static <T> T decode(byte[] json, Class<T> type, String path) throws LocalApiIoException {
        try {
            return LocalApiJson.decode(json, type);
        } catch (LocalApiJsonException e) {
            throw new LocalApiIoException("trellisd sent a " + e.getMessage() + " (from " + path + ")", e);
        }
    }

    static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
