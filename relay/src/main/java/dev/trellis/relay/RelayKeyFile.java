package dev.trellis.relay;

import dev.trellis.protocol.key.NodePrivateKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * A relay's private key on disk: {@code privkey:<64 hex digits>}, mode 0600, created on first use.
 * Used by {@code trellis-relay --key-file} and by a coordinator that embeds a relay.
 */
public final class RelayKeyFile {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private RelayKeyFile() {}

    /**
     * The key in {@code file}, or a new one written there (created 0600, so it is never readable
     * by others, not even for a moment) if the file does not exist.
     *
     * @throws IOException if the file is readable by others or does not hold a key
     */
    public static NodePrivateKey loadOrCreate(Path file) throws IOException {
        if (!Files.exists(file)) {
            NodePrivateKey key = NodePrivateKey.generate();
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } catch (FileAlreadyExistsException e) {
                return loadOrCreate(file); // another process made it first
            }
            Files.writeString(file, "privkey:" + key.toHex() + "\n", StandardCharsets.US_ASCII);
            return key;
        }
        requireOwnerOnly(file, "relay key file");
        String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        if (!text.startsWith("privkey:")) {
            throw new IOException(file + " does not hold a relay key (\"privkey:<64 hex digits>\")");
        }
        try {
            return NodePrivateKey.fromHex(text.substring("privkey:".length()));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " does not hold a valid relay key (\"privkey:<64 hex digits>\")");
        }
    }

    /** Refuses a secret file that others may read; {@code what} names it in the message. */
    public static void requireOwnerOnly(Path file, String what) throws IOException {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        if (!OWNER_ONLY.containsAll(perms)) {
            throw new IOException(what + " " + file + " is readable by others (" + PosixFilePermissions.toString(perms)
                    + "): chmod 600 it");
        }
    }
}
