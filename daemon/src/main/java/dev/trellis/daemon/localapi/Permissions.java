package dev.trellis.daemon.localapi;

import dev.trellis.protocol.http.PeerCredentials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Who may use the LocalAPI: root, the daemon's own user, and members of one configured group
 * (by primary group, or by membership listed in /etc/group). Everyone else gets 403.
 */
final class Permissions {
    private final String group;
    private final int ownUid;
    private final Path groupFile;

    Permissions(String group, int ownUid, Path groupFile) {
        this.group = group;
        this.ownUid = ownUid;
        this.groupFile = groupFile;
    }

    String group() {
        return group;
    }

    boolean allowed(Optional<PeerCredentials> peer) {
        if (peer.isEmpty()) {
            return false;
        }
        PeerCredentials p = peer.get();
        if (p.uid() < 0) {
            return false; // unknown: fail closed
        }
        if (p.uid() == 0 || p.uid() == ownUid) {
            return true;
        }
        if (group == null) {
            return false;
        }
        if (group.equals(p.group())) {
            return true;
        }
        return members().contains(p.user());
    }

    /** The member list of {@code group} in /etc/group (name:x:gid:a,b,c). */
    private List<String> members() {
        try {
            for (String line : Files.readAllLines(groupFile, StandardCharsets.UTF_8)) {
                String[] f = line.split(":", -1);
                if (f.length >= 4 && f[0].equals(group)) {
                    return f[3].isEmpty() ? List.of() : Arrays.asList(f[3].split(","));
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        return List.of();
    }
}
