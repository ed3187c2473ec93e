package dev.trellis.engine.dns;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * File writes for {@link ResolvConfManager}: temp file + fsync + rename where the target
 * allows it, in place where it does not (symlinks, bind mounts, read-only directories).
 */
final class AtomicFiles {
    private static final Set<PosixFilePermission> WORLD_READABLE = PosixFilePermissions.fromString("rw-r--r--");
    private static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rw-------");

    /** The rename step; a seam so tests can make it fail as a bind mount does (EBUSY). */
    interface Rename {
        void move(Path from, Path to) throws IOException;
    }

    private final Rename rename;
    private volatile ResolvConfManager.WriteMethod lastWrite = ResolvConfManager.WriteMethod.NONE;

    AtomicFiles() {
        this((from, to) -> Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING));
    }

    AtomicFiles(Rename rename) {
        this.rename = rename;
    }

    ResolvConfManager.WriteMethod lastWrite() {
        return lastWrite;
    }

    /** Replaces the target's content, keeping its permissions (0644 if it is new). */
    void writeTarget(Path target, byte[] content) throws IOException {
        if (Files.isSymbolicLink(target)) {
            writeInPlace(target, content);
            return;
        }
        Set<PosixFilePermission> mode = WORLD_READABLE;
        try {
            mode = Files.getPosixFilePermissions(target);
        } catch (IOException | UnsupportedOperationException e) {
            // new file or no POSIX permissions here: 0644
        }
        Path tmp;
        try {
            tmp = createTemp(target, mode);
        } catch (IOException e) {
            writeInPlace(target, content); // a read-only directory with a writable (bind-mounted) file
            return;
        }
        try {
            writeAndSync(tmp, content);
            rename.move(tmp, target);
            lastWrite = ResolvConfManager.WriteMethod.RENAME;
            syncDirectory(target.toAbsolutePath().getParent());
        } catch (FileSystemException e) {
            // EBUSY (bind mount), EXDEV, EPERM, no atomic move: the file itself may still be writable.
            Files.deleteIfExists(tmp);
            writeInPlace(target, content);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Writes a 0600 file atomically (the backup of the original). */
    void writePrivate(Path file, byte[] content) throws IOException {
        Path tmp = createTemp(file, PRIVATE);
        try {
            writeAndSync(tmp, content);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDirectory(file.toAbsolutePath().getParent());
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private void writeInPlace(Path target, byte[] content) throws IOException {
        try (FileChannel ch = FileChannel.open(target, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(content);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        lastWrite = ResolvConfManager.WriteMethod.IN_PLACE;
    }

    private static Path createTemp(Path beside, Set<PosixFilePermission> mode) throws IOException {
        Path dir = beside.toAbsolutePath().getParent();
        String prefix = "." + beside.getFileName() + ".trellis-";
        try {
            FileAttribute<Set<PosixFilePermission>> attr = PosixFilePermissions.asFileAttribute(mode);
            Path tmp = Files.createTempFile(dir, prefix, ".tmp", attr);
            Files.setPosixFilePermissions(tmp, mode); // the umask may have removed bits
            return tmp;
        } catch (UnsupportedOperationException e) {
            return Files.createTempFile(dir, prefix, ".tmp");
        }
    }

    private static void writeAndSync(Path file, byte[] content) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(content);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
    }

    /** Makes a rename durable; best effort (not every platform can open a directory). */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // the rename is done; only its durability across a power cut is unknown
        }
    }
}
