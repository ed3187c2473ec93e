package dev.trellis.protocol.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A numeric id is only reported once the JDK's own lookup proves it. */
class PeerIdsTest {

    /** A principal that, like the JDK's, equals any principal with the same id. */
    private record Principal(String name, int id, int hash) implements UserPrincipal {
        @Override
        public String getName() {
            return name;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Principal p && p.id == id;
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /** The JDK's lookup: names from the "database", else a decimal string is the id itself. */
    private static PeerIds.Lookup lookup(String name, int id) {
        return n -> n.equals(name) ? new Principal(n, id, id) : new Principal(n, Integer.parseInt(n), 0);
    }

    @Test
    void hashCodeCandidateIsUsedOnlyWhenProven(@TempDir Path dir) {
        Path none = dir.resolve("missing");
        assertThat(PeerIds.prove(new Principal("alice", 1000, 1000), "alice", none, lookup("alice", 1000))).isEqualTo(1000);
        // A principal whose hash code is not its id: the candidate fails the proof.
        assertThat(PeerIds.prove(new Principal("alice", 1000, 4242), "alice", none, lookup("alice", 1000))).isEqualTo(-1);
    }

    @Test
    void decimalNameIsTheId(@TempDir Path dir) {
        assertThat(PeerIds.prove(new Principal("1234", 1234, 7), "1234", dir.resolve("missing"), lookup("x", 1))).isEqualTo(1234);
    }

    @Test
    void databaseEntryIsUsedWhenProven(@TempDir Path dir) throws Exception {
        Path passwd = Files.writeString(dir.resolve("passwd"), "root:x:0:0::/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n");
        assertThat(PeerIds.prove(new Principal("alice", 1000, 4242), "alice", passwd, lookup("alice", 1000))).isEqualTo(1000);
        // The file says 1000 but the peer is 2000: not proven.
        assertThat(PeerIds.prove(new Principal("alice", 2000, 4242), "alice", passwd, lookup("alice", 2000))).isEqualTo(-1);
        assertThat(PeerIds.idInDatabase(passwd, "root")).isZero();
        assertThat(PeerIds.idInDatabase(passwd, "bob")).isEqualTo(-1);
    }
}
