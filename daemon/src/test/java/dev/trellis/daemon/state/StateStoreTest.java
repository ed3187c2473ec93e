package dev.trellis.daemon.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trellis.engine.controlclient.NetMap;
import dev.trellis.protocol.control.DnsConfig;
import dev.trellis.protocol.control.FilterRule;
import dev.trellis.protocol.control.MapResponse;
import dev.trellis.protocol.control.Node;
import dev.trellis.protocol.control.UserProfile;
import dev.trellis.protocol.key.MachinePrivateKey;
import dev.trellis.protocol.key.NodePrivateKey;
import dev.trellis.protocol.net.IpPrefix;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateStoreTest {
    @TempDir
    Path tmp;

    @Test
    void stateSurvivesARestartInPrivateFiles() throws Exception {
        Path dir = tmp.resolve("state");
        StateStore store = new StateStore(StateDir.open(dir));
        NodeState first = store.loadOrCreate();
        NodePrivateKey nodeKey = NodePrivateKey.generate();
        NodeState s = first.withNodeKey(nodeKey)
                .withControl("http://198.18.0.1:8080", MachinePrivateKey.generate().publicKey())
                .withWantRunning(true)
                .withLogin(new UserProfile(3, "alice", "Alice"), Instant.parse("2027-05-24T00:00:00Z"));
        store.save(s);

        NodeState again = new StateStore(StateDir.open(dir)).loadOrCreate();
        assertThat(again).isEqualTo(s);
        assertThat(again.machineKey()).isEqualTo(first.machineKey());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("state.json"))))
                .isEqualTo("rw-------");
        assertThat(s.toString()).doesNotContain(nodeKey.toHex()).doesNotContain("privkey:");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("state.json");
        }
    }

    @Test
    void aCorruptStateFileIsReportedNotReplaced() throws Exception {
        StateDir dir = StateDir.open(tmp);
        dir.write("state.json", "{\"MachineKey\":\"privkey:nothex\"}".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> new StateStore(dir).loadOrCreate())
                .hasMessageContaining("state.json").hasMessageContaining("delete it to start as a new node");
        assertThat(dir.read("state.json")).isPresent();
    }

    @Test
    void netMapRoundTripsAndAnUnreadableOneIsIgnored() throws Exception {
        StateDir dir = StateDir.open(tmp);
        StateStore store = new StateStore(dir);
        assertThat(store.loadNetMap()).isEmpty();
        IpPrefix a = IpPrefix.parse("100.64.0.1/32");
        Node self = new Node(1, "s1", "a", 1, NodePrivateKey.generate().publicKey(), null, null, List.of(a), List.of(a),
                List.of(), null, null, Instant.EPOCH, null, true, List.of(), false);
        Node peer = new Node(2, "s2", "b", 1, NodePrivateKey.generate().publicKey(), null, null, List.of(), List.of(),
                List.of("198.18.0.2:41641"), null, null, Instant.EPOCH, null, false, List.of(), false);
        NetMap map = NetMap.of(new MapResponse(1, 1, false, self, List.of(peer), null, null, null, FilterRule.ALLOW_ALL,
                new DnsConfig("t", null, null), List.of(new UserProfile(1, "alice", "Alice")), Instant.EPOCH, null));
        store.saveNetMap(map);
        assertThat(store.loadNetMap()).contains(map);
        dir.write("netmap.json", new byte[] {1, 2, 3});
        assertThat(store.loadNetMap()).isEmpty();
    }
}
