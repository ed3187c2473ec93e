package dev.trellis.protocol.http;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * Numeric uid and gid for a Unix-socket peer. {@code SO_PEERCRED} gives the JDK the ids, but its
 * {@link UnixDomainPrincipal} exposes only names (from {@code getpwuid}/{@code getgrgid}, or the
 * decimal id when the id has no name). The principals do compare by id, though, and looking up a
 * decimal string that is not a user name yields the principal with that id. So a candidate id is
 * proven when the principal looked up from its decimal form equals the peer's; nothing is taken on
 * trust. Candidates, in order: the principal's hash code (the JDK's is the id), the name itself if
 * it is decimal, and the name's entry in /etc/passwd or /etc/group. If none is proven the id is -1.
 * This uses the system's NSS (LDAP, systemd users) through the JDK, needs no native access, and is
 * exact unless a user or group name is itself a decimal number, which useradd refuses.
 */
final class PeerIds {
    private static final System.Logger LOG = System.getLogger(PeerIds.class.getName());

    private PeerIds() {}

    static PeerCredentials of(SocketChannel channel) throws IOException {
        UnixDomainPrincipal principal = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
        UserPrincipalLookupService lookup = FileSystems.getDefault().getUserPrincipalLookupService();
        String user = principal.user().getName();
        String group = principal.group().getName();
        int uid = prove(principal.user(), user, Path.of("/etc/passwd"), name -> lookup.lookupPrincipalByName(name));
        int gid = prove(principal.group(), group, Path.of("/etc/group"), name -> lookup.lookupPrincipalByGroupName(name));
        return new PeerCredentials(uid, gid, user, group);
    }

    @FunctionalInterface
    interface Lookup {
        UserPrincipal byName(String name) throws IOException;
    }

    static int prove(UserPrincipal peer, String name, Path database, Lookup lookup) {
        List<Integer> candidates = new ArrayList<>(3);
        candidates.add(peer.hashCode());
        if (name.chars().allMatch(c -> c >= '0' && c <= '9') && name.length() <= 10) {
            candidates.add((int) Long.parseLong(name));
        }
        for (int candidate : candidates) {
            if (candidate >= 0 && provenBy(peer, candidate, lookup)) {
                return candidate;
            }
        }
        int fromFile = idInDatabase(database, name);
        if (fromFile >= 0 && provenBy(peer, fromFile, lookup)) {
            return fromFile;
        }
        LOG.log(System.Logger.Level.WARNING, "cannot determine the numeric id of Unix-socket peer {0}", name);
        return -1;
    }

    private static boolean provenBy(UserPrincipal peer, int id, Lookup lookup) {
        try {
            return lookup.byName(Integer.toUnsignedString(id)).equals(peer);
        } catch (IOException e) {
            return false;
        }
    }

    /** The third field of the line whose first is {@code name}, in passwd or group format; -1 if none. */
    static int idInDatabase(Path database, String name) {
        try (Stream<String> lines = Files.lines(database)) {
            return lines.map(line -> line.split(":", 4))
                    .filter(f -> f.length >= 3 && f[0].equals(name))
                    .mapToInt(f -> parseId(f[2]))
                    .findFirst().orElse(-1);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static int parseId(String text) {
        try {
            long id = Long.parseLong(text);
            return id >= 0 && id <= Integer.MAX_VALUE ? (int) id : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
