package dev.trellis.cli.localapi;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.trellis.protocol.localapi.ErrorResponse;
import dev.trellis.protocol.localapi.LocalApiJson;
import dev.trellis.protocol.localapi.LocalApiJsonException;
import dev.trellis.protocol.localapi.LocalApiPaths;
import dev.trellis.protocol.localapi.MaskedPrefs;
import dev.trellis.protocol.localapi.Notify;
import dev.trellis.protocol.localapi.Options;
import dev.trellis.protocol.localapi.Prefs;
import dev.trellis.protocol.localapi.Status;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ProtocolException;
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
 * {@link LocalApi} over trellisd's Unix socket, one connection per request. Requests wait at
 * most the request timeout for their whole reply; a watch waits that long for its response
 * header and then as long as each {@link WatchStream#next} call allows.
 */
public final class UnixSocketLocalApi implements LocalApi {
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);
    /** Error bodies are read up to this size; the rest is dropped. */
    static final int MAX_ERROR_BODY = 64 * 1024;

    private final Path socket;
    private final Duration requestTimeout;
    private final String userAgent;
    private final int maxNotifyLine;

    public UnixSocketLocalApi(Path socket, String userAgent) {
        this(socket, DEFAULT_REQUEST_TIMEOUT, userAgent);
    }

    public UnixSocketLocalApi(Path socket, Duration requestTimeout, String userAgent) {
        this(socket, requestTimeout, userAgent, (int) LocalApiJson.MAX_DOCUMENT_LENGTH);
    }

    /** With a smaller limit on one notification's size, for tests. */
    UnixSocketLocalApi(Path socket, Duration requestTimeout, String userAgent, int maxNotifyLine) {
        this.socket = socket;
        this.requestTimeout = requestTimeout;
        this.userAgent = userAgent;
        this.maxNotifyLine = maxNotifyLine;
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
        String target = LocalApiPaths.watchIpnBus(mask);
        UnixHttpConnection conn = connect();
        try {
            Deadline deadline = Deadline.after(requestTimeout);
            conn.sendRequest("GET", target, headers(false), null, deadline);
            ResponseHead head = conn.readHead(deadline);
            HttpBody body = HttpBody.of(conn, head, "GET");
            if (!head.isSuccess()) {
                throw failure(head, body, deadline, LocalApiPaths.WATCH_IPN_BUS);
            }
            return new Watch(conn, new LineReader(body, maxNotifyLine));
        } catch (LocalApiException e) {
            conn.close();
            throw e;
        } catch (IOException e) {
            conn.close();
            throw transportFailure(e, LocalApiPaths.WATCH_IPN_BUS);
        }
    }

    private byte[] exchange(String method, String path, byte[] body) throws LocalApiException {
        try (UnixHttpConnection conn = connect()) {
            Deadline deadline = Deadline.after(requestTimeout);
            conn.sendRequest(method, path, headers(body != null), body, deadline);
            ResponseHead head = conn.readHead(deadline);
            HttpBody reply = HttpBody.of(conn, head, method);
            if (!head.isSuccess()) {
                throw failure(head, reply, deadline, path);
            }
            return reply.readAll(LocalApiJson.MAX_DOCUMENT_LENGTH, deadline);
        } catch (IOException e) {
            throw transportFailure(e, path);
        }
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

    private UnixHttpConnection connect() throws LocalApiException {
        try {
            Files.readAttributes(socket, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new DaemonNotRunningException(notRunning("no socket at " + socket));
        } catch (AccessDeniedException e) {
            throw new PermissionDeniedException("cannot reach " + socket, null);
        } catch (IOException e) {
            throw new LocalApiIoException("cannot inspect " + socket + ": " + e.getMessage(), e);
        }
        try {
            return UnixHttpConnection.connect(socket);
        } catch (ConnectException e) {
            throw new DaemonNotRunningException(notRunning("nothing listens on " + socket), e);
        } catch (IOException e) {
            String msg = String.valueOf(e.getMessage());
            if (msg.contains("Permission denied")) {
                throw new PermissionDeniedException("cannot open " + socket, writableGroup(socket));
            }
            if (msg.contains("No such file")) {
                throw new DaemonNotRunningException(notRunning("no socket at " + socket), e);
            }
            throw new LocalApiIoException("cannot connect to trellisd at " + socket + ": " + msg, e);
        }
    }

    static String notRunning(String why) {
        return "trellisd is not running (" + why + "): start it with `sudo trellisd` or `systemctl start trellisd`";
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
    private static LocalApiException failure(ResponseHead head, HttpBody body, Deadline deadline, String path)
            throws IOException {
        byte[] raw = readPrefix(body, MAX_ERROR_BODY, deadline);
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
            message = ("HTTP " + head.status() + " " + head.reason()).strip();
        }
        if (head.status() == 403) {
            return new PermissionDeniedException(message, group);
        }
        return new LocalApiErrorException(head.status(), code, message, path);
    }

    private static byte[] readPrefix(HttpBody body, int max, Deadline deadline) throws IOException {
        byte[] buf = new byte[max];
        int len = 0;
        int n;
        while (len < max && (n = body.read(buf, len, max - len, deadline)) >= 0) {
            len += n;
        }
        return Arrays.copyOf(buf, len);
    }

    private LocalApiException transportFailure(IOException e, String path) {
        if (e instanceof SocketTimeoutException) {
            return new LocalApiTimeoutException("trellisd did not answer " + path + " within "
                    + seconds(requestTimeout) + ": it may be stuck; check `systemctl status trellisd`");
        }
        if (e instanceof ProtocolException) {
            return new LocalApiIoException("malformed reply to " + path + " (" + e.getMessage()
                    + "): is " + socket + " trellisd's socket?", e);
        }
        return new LocalApiIoException("connection to trellisd lost during " + path + ": " + e.getMessage(), e);
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

    /** The notification stream of one watch: one JSON object per line. */
    private static final class Watch implements WatchStream {
        private final UnixHttpConnection conn;
        private final LineReader lines;
        private boolean closed;

        Watch(UnixHttpConnection conn, LineReader lines) {
            this.conn = conn;
            this.lines = lines;
        }

        @Override
        public Notify next(Duration timeout) throws LocalApiException {
            if (closed) {
                throw new LocalApiIoException("the notification stream is closed", null);
            }
            Deadline deadline = Deadline.after(timeout);
            try {
                while (true) {
                    byte[] line = lines.next(deadline);
                    if (line == null) {
                        throw new DaemonNotRunningException("trellisd closed the notification stream "
                                + "(did it stop or restart?): check `systemctl status trellisd`");
                    }
                    if (isBlank(line)) {
                        continue;
                    }
                    return LocalApiJson.decode(line, Notify.class);
                }
            } catch (SocketTimeoutException e) {
                throw new LocalApiTimeoutException("no notification from trellisd within " + seconds(timeout));
            } catch (LocalApiJsonException e) {
                throw new LocalApiIoException("trellisd sent a " + e.getMessage(), e);
            } catch (ProtocolException e) {
                throw new LocalApiIoException("malformed notification stream: " + e.getMessage(), e);
            } catch (IOException e) {
                throw new LocalApiIoException("notification stream broken: " + e.getMessage(), e);
            }
        }

        private static boolean isBlank(byte[] line) {
            for (byte b : line) {
                if (b != ' ' && b != '\t' && b != '\r') {
                    return false;
                }
            }
            return true;
        }

        @Override
        public void close() {
            closed = true;
            conn.close();
        }
    }
}
