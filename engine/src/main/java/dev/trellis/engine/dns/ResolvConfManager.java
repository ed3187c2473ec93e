package dev.trellis.engine.dns;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Owns a resolv.conf file (the daemon passes {@code /etc/resolv.conf}; tests a temp file) while
 * Trellis is up, like tailscale's "direct" manager. Every query then comes to MagicDNS, which
 * forwards non-tailnet names to {@link #systemResolvers()}: no split DNS.
 *
 * <p>Crash safety: before the first write the original bytes are saved in the state directory
 * ({@value #BACKUP_NAME}, mode 0600; an original that did not exist is recorded by
 * {@value #ABSENT_NAME}). As long as the backup exists it is the truth about the original: a
 * daemon restarted after a crash finds its own file in place, keeps the backup, and
 * {@link #restore()} writes back the real original byte for byte, then deletes the backup.
 * If something else replaced our file meanwhile (a DHCP client, an administrator), that newer
 * file becomes the original: {@link #apply} re-saves it, and {@link #restore} leaves it alone
 * (if our file was deleted, restore puts the original back).
 *
 * <p>Writes are atomic where possible: a temp file in the same directory, fsync, rename over
 * the target, keeping its permissions. Two cases cannot be renamed over, and are written in
 * place (truncate and write, so a reader may briefly see a partial file): a symlink (renaming
 * would replace the link itself, and restore would leave a regular file where the link was; we
 * write through the link to the file it names, as resolvconf-managed systems expect), and a
 * bind mount (containers mount their resolv.conf; rename fails with EBUSY, or EXDEV, or the
 * directory is read-only).
 */
public final class ResolvConfManager implements OsDnsConfigurator {
    static final String BACKUP_NAME = "resolv.conf.pre-trellis";
    static final String ABSENT_NAME = "resolv.conf.pre-trellis.absent";
    /** Far above any real resolv.conf; refuses to read a huge file into memory. */
    private static final int MAX_FILE = 1 << 20;
    private static final System.Logger LOG = System.getLogger("trellis.dns");

    /** How the last write reached the target; for diagnostics and tests. */
    enum WriteMethod { NONE, RENAME, IN_PLACE }

    private final Path target;
    private final Path backup;
    private final Path absent;
    private final AtomicFiles files;

    public ResolvConfManager(Path resolvConf, Path stateDir) {
        this(resolvConf, stateDir, new AtomicFiles());
    }

    ResolvConfManager(Path resolvConf, Path stateDir, AtomicFiles files) {
        this.files = files;
        this.target = Objects.requireNonNull(resolvConf, "resolvConf");
        Objects.requireNonNull(stateDir, "stateDir");
        this.backup = stateDir.resolve(BACKUP_NAME);
        this.absent = stateDir.resolve(ABSENT_NAME);
    }

    @Override
    public String name() {
        return "resolv.conf";
    }

    @Override
    public boolean supportsMatchDomains() {
        return false;
    }

    public Path path() {
        return target;
    }

    /** Where the original is kept while Trellis manages the file. */
    public Path backupPath() {
        return backup;
    }

    @Override
    public synchronized void apply(OsDnsConfig config) throws IOException {
        Objects.requireNonNull(config, "config");
        byte[] current = read(target);
        boolean currentIsOurs = current != null && ResolvConf.isOurs(latin1(current));
        boolean haveBackup = Files.exists(backup) || Files.exists(absent);
        if (!currentIsOurs) {
            saveOriginal(current); // first apply, or the system replaced our file: this is the original now
        } else if (!haveBackup) {
            LOG.log(Level.WARNING, target + " is a Trellis file but " + backup + " is missing: the original "
                    + "cannot be restored; it is kept as it is");
        }
        byte[] original = currentIsOurs ? readOriginal() : current;
        ResolvConf parsed = ResolvConf.parse(original == null ? "" : latin1(original));
        String hint = "the original is saved in " + backup + "; to restore it by hand, stop trellisd and copy it here.";
        byte[] ours = ResolvConf.render(config, parsed, hint).getBytes(StandardCharsets.US_ASCII);
        if (current != null && Arrays.equals(current, ours)) {
            return;
        }
        files.writeTarget(target, ours);
    }

    @Override
    public synchronized void restore() throws IOException {
        byte[] current = read(target);
        boolean currentIsOurs = current != null && ResolvConf.isOurs(latin1(current));
        if (Files.exists(absent)) {
            if (currentIsOurs) {
                Files.delete(Files.isSymbolicLink(target) ? target.toRealPath() : target);
            }
            Files.delete(absent);
        } else if (Files.exists(backup)) {
            if (current == null || currentIsOurs) { // ours, or deleted: a missing resolv.conf helps no one
                files.writeTarget(target, read(backup));
            } else {
                LOG.log(Level.INFO, target + " was replaced by someone else while Trellis managed it; leaving it");
            }
            Files.delete(backup);
        }
    }

    @Override
    public synchronized List<InetSocketAddress> systemResolvers() throws IOException {
        byte[] current = read(target);
        byte[] original = current != null && ResolvConf.isOurs(latin1(current)) ? readOriginal() : current;
        return original == null ? List.of() : ResolvConf.parse(latin1(original)).upstreams();
    }

    WriteMethod lastWrite() {
        return files.lastWrite();
    }

    /** The saved original, or null if it did not exist or nothing is saved. */
    private byte[] readOriginal() throws IOException {
        return Files.exists(absent) ? null : read(backup);
    }

    private void saveOriginal(byte[] current) throws IOException {
        Files.createDirectories(backup.getParent());
        if (current == null) {
            files.writePrivate(absent, new byte[0]);
            Files.deleteIfExists(backup);
        } else {
            files.writePrivate(backup, current);
            Files.deleteIfExists(absent);
        }
    }

    /** The file's bytes, or null if it does not exist (a dangling symlink counts as absent). */
    static byte[] read(Path p) throws IOException {
        try {
            long size = Files.size(p);
            if (size > MAX_FILE) {
                throw new IOException(p + " is " + size + " bytes; a resolv.conf is never that large");
            }
            return Files.readAllBytes(p);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
