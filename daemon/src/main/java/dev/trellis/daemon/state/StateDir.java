package dev.trellis.daemon.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * The daemon's state directory: a directory only its owner may enter (0700) holding files
 * only its owner may read (0600). A file is replaced atomically and durably: written to a
 * temporary file, synced, renamed over the old one, and the directory synced, so that a crash
 * or power loss leaves the old or the new content, never a mix.
 */
public final class StateDir {
    private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    /** State files are small; anything bigger is not ours. */
    static final long MAX_FILE_BYTES = 64L << 20;

    private final Path dir;

    private StateDir(Path dir) {
        this.dir = dir;
    }

    /** Opens (creating if needed) {@code dir}, and tightens its mode to 0700. */
    public static StateDir open(Path dir) throws IOException {
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
        } catch (FileAlreadyExistsException e) {
            throw new IOException("state directory " + dir + " exists but is not a directory", e);
        }
        Files.setPosixFilePermissions(dir, DIR_MODE);
        return new StateDir(dir);
    }

    public Path path() {
        return dir;
    }

    /** The content of {@code name}, or empty if it does not exist. */
    public Optional<byte[]> read(String name) throws IOException {
        Path file = resolve(name);
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new IOException("state file " + file + " is larger than " + MAX_FILE_BYTES
                        + " bytes; it is not Trellis state: move it away");
            }
            return Optional.of(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** Replaces {@code name} with {@code content}, atomically and durably, mode 0600. */
    public void write(String name, byte[] content) throws IOException {
        Path file = resolve(name);
        Path tmp = dir.resolve("." + name + ".tmp");
        Files.deleteIfExists(tmp);
        try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(FILE_MODE))) {
            ByteBuffer buf = ByteBuffer.wrap(content);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.deleteIfExists(tmp);
            throw new IOException("state directory " + dir + " does not support atomic renames", e);
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    public void delete(String name) throws IOException {
        Files.deleteIfExists(resolve(name));
    }

    private Path resolve(String name) {
        if (name.isEmpty() || name.contains("/") || name.startsWith(".")) {
            throw new IllegalArgumentException("bad state file name: " + name);
        }
        return dir.resolve(name);
    }
}
