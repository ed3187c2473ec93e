package dev.trellis.coordinator.admin;

import com.sun.security.auth.module.UnixSystem;
import dev.trellis.coordinator.tailnet.Tailnet;
import dev.trellis.protocol.http.Handler;
import dev.trellis.protocol.http.HttpLimits;
import dev.trellis.protocol.http.HttpServer;
import dev.trellis.protocol.http.Router;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;

/**
 * The admin API and metrics on a Unix socket, {@code <data-dir>/run/admin.sock}, for the
 * {@code trellis-coordinator} command line on the same machine: no API key, but only root and
 * the coordinator's own user get in.
 *
 * <p>Two locks. The socket file is created with the process umask, so it lives in a directory
 * of its own, made 0700 before the socket is bound: no other user can reach the socket from the
 * moment it exists (the file is then also set to 0600). And each request's peer uid, as the
 * kernel reports it, must be 0 or ours ({@link AdminAuth#localPeers}).
 */
public final class AdminSocket implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("trellis.coordinator.admin");
    public static final String DIRECTORY = "run";
    public static final String FILE_NAME = "admin.sock";
    private static final int MAX_CONNECTIONS = 64;

    private final HttpServer server;

    private AdminSocket(HttpServer server) {
        this.server = server;
    }

    /** Where a coordinator with data directory {@code dataDir} listens. */
    public static Path pathIn(Path dataDir) {
        return dataDir.resolve(DIRECTORY).resolve(FILE_NAME);
    }

    /** True where Unix sockets with owners and modes exist (not on Windows). */
    public static boolean supported() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("unix");
    }

    /**
     * Binds the socket. A socket left by a dead coordinator is replaced; a live one means another
     * coordinator uses this data directory, and this throws.
     *
     * @param metrics served at {@code GET /metrics}
     */
    public static AdminSocket open(Path dataDir, Tailnet tailnet, Clock clock, Handler metrics) throws IOException {
        int ownUid = (int) new UnixSystem().getUid();
        Path dir = privateDirectory(dataDir.resolve(DIRECTORY), ownUid);
        Path socket = dir.resolve(FILE_NAME);
        AdminAuth auth = AdminAuth.localPeers(ownUid);
        AdminApi api = new AdminApi(tailnet, clock, auth);
        Router router = new Router();
        for (String method : new String[] {"GET", "POST", "PUT", "DELETE"}) {
            router.prefix(method, AdminApi.PREFIX, api);
        }
        router.route("GET", "/metrics", metrics);
        HttpServer server;
        try {
            server = HttpServer.unix(socket, AdminApi.guard(auth, router),
                    HttpLimits.defaults().withMaxBodyBytes(dev.trellis.coordinator.store.StoredPolicy.MAX_TEXT_BYTES + 1L).withMaxConnections(MAX_CONNECTIONS));
        } catch (IOException e) {
            throw new IOException("cannot open the admin socket: " + e.getMessage() + " (is another coordinator"
                    + " using data directory " + dataDir + "? stop it, or give this one its own --data-dir)", e);
        }
        try {
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            server.close();
            throw new IOException("cannot restrict the admin socket " + socket + ": " + e.getMessage(), e);
        }
        LOG.log(System.Logger.Level.INFO, "admin socket at " + socket);
        return new AdminSocket(server);
    }

    /**
     * The directory, created 0700 if missing; if present it must be a real directory (not a
     * link) owned by us, and is set to 0700.
     */
    static Path privateDirectory(Path dir, int ownUid) throws IOException {
        Files.createDirectories(dir.getParent(),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // checked below
        }
        PosixFileAttributes attrs;
        try {
            attrs = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new IOException(dir + " vanished while being created", e);
        }
        if (!attrs.isDirectory()) {
            throw new IOException("refusing to use " + dir + " for the admin socket: it is not a directory"
                    + " (a link or a file); remove it");
        }
        int owner = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        if (owner != ownUid) {
            throw new IOException("refusing to use " + dir + " for the admin socket: it belongs to uid " + owner
                    + ", not to this process (uid " + ownUid + "); remove it or run as its owner");
        }
        // Also corrects a mode the umask narrowed at creation, or someone widened since.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        return dir;
    }

    public Path path() {
        return server.unixPath();
    }

    /** Stops serving and removes the socket file. */
    @Override
    public void close() {
        server.close();
    }
}
