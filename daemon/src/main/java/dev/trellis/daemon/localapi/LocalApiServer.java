package dev.trellis.daemon.localapi;

import dev.trellis.daemon.backend.BackendException;
import dev.trellis.daemon.backend.LocalBackend;
import dev.trellis.daemon.backend.NotifyBus;
import dev.trellis.protocol.http.HttpExchange;
import dev.trellis.protocol.http.HttpLimits;
import dev.trellis.protocol.http.HttpServer;
import dev.trellis.protocol.http.HttpStatusException;
import dev.trellis.protocol.http.Router;
import dev.trellis.protocol.localapi.ErrorCode;
import dev.trellis.protocol.localapi.ErrorResponse;
import dev.trellis.protocol.localapi.LocalApiJson;
import dev.trellis.protocol.localapi.LocalApiJsonException;
import dev.trellis.protocol.localapi.LocalApiPaths;
import dev.trellis.protocol.localapi.MaskedPrefs;
import dev.trellis.protocol.localapi.Notify;
import dev.trellis.protocol.localapi.Options;
import dev.trellis.protocol.localapi.WatchOpt;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

/**
 * The LocalAPI: HTTP over a Unix socket, with Tailscale's paths and JSON (see cli/README.md
 * for the contract the CLI relies on). Only root, the daemon's user and one configured group
 * may use it; the socket file is 0660 owned by that group, and every request's peer
 * credentials are checked again.
 */
public final class LocalApiServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("trellis.daemon.localapi");
    private static final byte[] NEWLINE = {'\n'};
    private static final Duration WATCH_POLL = Duration.ofSeconds(1);
    /** How long one ping waits for its pong (Tailscale's CLI waits as long). */
    private static final Duration PING_TIMEOUT = Duration.ofSeconds(5);

    private final LocalBackend backend;
    private final Permissions permissions;
    private final Router routes;
    private final HttpServer http;

    private LocalApiServer(LocalBackend backend, Permissions permissions, Path socket) throws IOException {
        this.backend = backend;
        this.permissions = permissions;
        this.routes = new Router()
                .route("GET", LocalApiPaths.STATUS, ex -> json(ex, 200, backend.status()))
                .route("GET", LocalApiPaths.WHOIS, ex -> json(ex, 200, backend.whois(ex.query("addr").orElse(null))))
                .route("POST", LocalApiPaths.PING, ex -> json(ex, 200, backend.ping(ex.query("ip").orElse(null),
                        ex.query("type").orElse(null), PING_TIMEOUT)))
                .route("GET", LocalApiPaths.NETCHECK, ex -> json(ex, 200, backend.netcheckReport()))
                .route("GET", LocalApiPaths.METRICS, ex -> ex.respond(200, "text/plain; version=0.0.4; charset=utf-8",
                        backend.metricsText().getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .route("GET", LocalApiPaths.PREFS, ex -> json(ex, 200, backend.prefs()))
                .route("PATCH", LocalApiPaths.PREFS, ex -> json(ex, 200, backend.editPrefs(read(ex, MaskedPrefs.class))))
                .route("POST", LocalApiPaths.START, ex -> {
                    backend.start(read(ex, Options.class));
                    ex.respond(204, null, new byte[0]);
                })
                .route("POST", LocalApiPaths.LOGIN_INTERACTIVE, ex -> {
                    backend.loginInteractive();
                    ex.respond(204, null, new byte[0]);
                })
                .route("POST", LocalApiPaths.LOGOUT, ex -> {
                    backend.logout();
                    ex.respond(204, null, new byte[0]);
                })
                .route("GET", LocalApiPaths.WATCH_IPN_BUS, this::watch);
        this.http = HttpServer.unix(socket, this::guarded, HttpLimits.defaults().withMaxBodyBytes(1 << 20)
                .withMaxConnections(256));
    }

    /**
     * Serves the LocalAPI on {@code socket}, creating its directory (0755) if needed, and makes
     * the socket 0660, owned by {@code group} when one is given.
     */
    public static LocalApiServer start(LocalBackend backend, Path socket, String group) throws IOException {
        Path dir = socket.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        }
        LocalApiServer server = new LocalApiServer(backend, new Permissions(group, uid(), Path.of("/etc/group")), socket);
        try {
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
            if (group != null) {
                GroupPrincipal g = socket.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
                Files.getFileAttributeView(socket, PosixFileAttributeView.class).setGroup(g);
            }
        } catch (IOException e) {
            server.close();
            throw new IOException("cannot restrict the LocalAPI socket " + socket + " to group " + group + ": "
                    + e.getMessage() + " (does the group exist?)", e);
        }
        return server;
    }

    private static int uid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return Integer.parseInt(line.split("\\s+")[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through: only root passes then
        }
        return 0;
    }

    private void guarded(HttpExchange ex) throws IOException {
        if (!permissions.allowed(ex.peer())) {
            String who = ex.peer().map(p -> p.user()).orElse("unknown");
            json(ex, 403, new ErrorResponse("permission denied for user " + who + ": run as root"
                    + (permissions.group() == null ? "" : " or join group " + permissions.group()),
                    ErrorCode.PERMISSION_DENIED, permissions.group()));
            return;
        }
        try {
            routes.handle(ex);
        } catch (BackendException e) {
            int status = switch (e.code()) {
                case ErrorCode.NEEDS_LOGIN, ErrorCode.NOT_READY -> 409;
                case ErrorCode.NOT_FOUND -> 404;
                case null, default -> 400;
            };
            json(ex, status, new ErrorResponse(e.getMessage(), e.code(), null));
        } catch (HttpStatusException e) {
            json(ex, e.status(), new ErrorResponse(e.getMessage(), e.status() == 400 ? ErrorCode.BAD_REQUEST : null, null));
        } catch (IOException e) {
            LOG.log(Level.WARNING, ex.method() + " " + ex.path() + " failed: " + e.getMessage());
            json(ex, 500, new ErrorResponse(e.getMessage(), null, null));
        }
    }

    private void watch(HttpExchange ex) throws IOException {
        long mask;
        try {
            mask = WatchOpt.parseMask(ex.query("mask").orElse("0"));
        } catch (IllegalArgumentException e) {
            throw new HttpStatusException(400, "bad mask: " + e.getMessage());
        }
        try (NotifyBus.Watcher w = backend.watch(mask);
                OutputStream out = ex.respondStreaming(200, "application/json")) {
            var gone = ex.clientGone().toCompletableFuture();
            while (!gone.isDone()) {
                Notify n;
                try {
                    n = w.next(WATCH_POLL);
                } catch (NotifyBus.WatcherClosedException e) {
                    return; // too slow: the client reconnects
                }
                if (n != null) {
                    out.write(LocalApiJson.encode(n));
                    out.write(NEWLINE);
                    out.flush();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the watcher went away mid-stream: nothing to answer
        }
    }

    private static <T> T read(HttpExchange ex, Class<T> type) throws IOException {
        byte[] body = ex.body();
        if (body.length == 0) {
            throw new HttpStatusException(400, "this request needs a JSON body");
        }
        try {
            return LocalApiJson.decode(body, type);
        } catch (LocalApiJsonException e) {
            throw new HttpStatusException(400, "malformed request: " + e.getMessage());
        }
    }

    private static void json(HttpExchange ex, int status, Object value) {
        ex.respond(status, "application/json", LocalApiJson.encode(value));
    }

    @Override
    public void close() {
        http.close();
    }
}
