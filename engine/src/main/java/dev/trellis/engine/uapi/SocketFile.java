package dev.trellis.engine.uapi;

import java.io.Closeable;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;

/**
 * The listening socket's file: created so that only its owner can ever connect, claimed
 * atomically, and removed only while it is still ours.
 *
 * <p>wireguard-go binds under umask 077. The JDK cannot set a umask, so the socket is bound in a
 * fresh 0700 directory beside its final name, chmodded to 0600, then hard-linked into place:
 * {@code link(2)} fails if the name exists, so two servers can't both claim it, and the socket is
 * never reachable with looser permissions.
 */
final class SocketFile implements Closeable {
    /** As Go's listeners: the kernel caps it at net.core.somaxconn. */
    private static final int BACKLOG = 4096;
    private final ServerSocketChannel channel;
    private final Path path;
    private final Object fileKey;

    private SocketFile(ServerSocketChannel channel, Path path, Object fileKey) {
        this.channel = channel;
        this.path = path;
        this.fileKey = fileKey;
    }

    ServerSocketChannel channel() {
        return channel;
    }

    Path path() {
        return path;
    }

    /**
     * Binds {@code path}, creating its directory (0755) if needed and removing a stale socket.
     *
     * @throws IOException "interface NAME is already in use" if a live process answers there
     */
    static SocketFile bind(Path path, String name) throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Path scratch = Files.createTempDirectory(dir, ".uapi-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path bound = scratch.resolve("s");
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(bound), BACKLOG);
            Files.setPosixFilePermissions(bound, PosixFilePermissions.fromString("rw-------"));
            claim(path, bound, name);
            return new SocketFile(server, path, fileKey(path));
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        } finally {
            Files.deleteIfExists(bound);
            Files.deleteIfExists(scratch);
        }
    }

    private static void claim(Path path, Path bound, String name) throws IOException {
        for (int attempt = 0; ; attempt++) {
            try {
                Files.createLink(path, bound);
                return;
            } catch (FileAlreadyExistsException e) {
                if (isServed(path)) {
                    throw new IOException("interface " + name + " is already in use", e);
                }
                if (attempt > 0) {
                    throw new IOException("cannot replace stale UAPI socket " + path, e);
                }
                BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                if (!attrs.isOther()) {
                    throw new IOException(path + " exists and is not a socket; not removing it", e);
                }
                Files.deleteIfExists(path); // a socket nobody serves: left by a crashed process
            }
        }
    }

    /** Whether some process accepts connections on {@code path} now. */
    static boolean isServed(Path path) throws IOException {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
            return true;
        } catch (SocketException e) {
            // ECONNREFUSED: nobody listens; ENOENT: gone meanwhile. EACCES and the like: unknown.
            if (e instanceof ConnectException || !Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Stops listening and removes the socket file, unless someone else's socket has replaced it
     * since we bound it.
     */
    @Override
    public void close() throws IOException {
        channel.close();
        try {
            if (Objects.equals(fileKey(path), fileKey)) {
                Files.deleteIfExists(path);
            }
        } catch (NoSuchFileException e) {
            // already gone
        }
    }

    private static Object fileKey(Path path) throws IOException {
        return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    }
}
