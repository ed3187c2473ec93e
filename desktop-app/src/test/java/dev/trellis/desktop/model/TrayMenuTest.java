package dev.trellis.desktop.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.desktop.model.MenuEntry.Item;
import dev.trellis.desktop.model.MenuEntry.Submenu;
import dev.trellis.desktop.testing.Fixtures;
import dev.trellis.desktop.testing.Fixtures.Scenario;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TrayMenuTest {

    static List<String> ids(List<MenuEntry> menu) {
        return menu.stream().map(MenuEntry::id).toList();
    }

    static Optional<MenuEntry> find(List<MenuEntry> menu, String id) {
        for (MenuEntry e : menu) {
            if (e.id().equals(id)) {
                return Optional.of(e);
            }
            if (e instanceof Submenu s) {
                Optional<MenuEntry> in = find(s.entries(), id);
                if (in.isPresent()) {
                    return in;
                }
            }
        }
        return Optional.empty();
    }

    static String label(List<MenuEntry> menu, String id) {
        return switch (find(menu, id).orElseThrow(() -> new AssertionError("no entry " + id + " in " + menu))) {
            case Item i -> i.label();
            case Submenu s -> s.label();
            case MenuEntry.Separator s -> "---";
        };
    }

    @Test
    void connectedShowsDisconnectThisDeviceAndPeersGroupedByUser() {
        AppView v = Fixtures.view(Scenario.CONNECTED);
        assertThat(v.state()).isEqualTo(TrayState.CONNECTED);
        List<MenuEntry> m = TrayMenu.build(v);
        assertThat(ids(m)).containsExactly("status", "sep:actions", "disconnect", "self", "peers", "sep:app", "open",
                "preferences", "quit");
        assertThat(label(m, "status")).isEqualTo("Connected as alice@example.com");
        assertThat(label(m, "self")).isEqualTo("This device: laptop (100.64.0.1)");
        assertThat(((Item) find(m, "self").orElseThrow()).action()).isEqualTo(Action.copy("100.64.0.1"));

        Submenu peers = (Submenu) find(m, "peers").orElseThrow();
        List<String> labels = new ArrayList<>();
        for (MenuEntry e : peers.entries()) {
            labels.add(e instanceof Item i ? i.label() : "---");
        }
        // alice's devices, then bob's, then tagged ones; each with its mark and path, then its DNS name.
        assertThat(labels).containsExactly(
                "alice@example.com",
                "● nas · relayed", "      nas.alice.trellis.internal",
                "● server · direct", "      server.alice.trellis.internal",
                "---", "bob@example.com",
                "○ phone · offline", "      phone.alice.trellis.internal",
                "---", "Tagged devices",
                "● ci-runner · direct", "      ci-runner.alice.trellis.internal");
        Item server = (Item) find(m, "peer:" + Fixtures.SERVER + ":addr").orElseThrow();
        assertThat(server.action()).isEqualTo(Action.copy("100.64.0.2"));
        Item serverDns = (Item) find(m, "peer:" + Fixtures.SERVER + ":dns").orElseThrow();
        assertThat(serverDns.action()).isEqualTo(Action.copy("server.alice.trellis.internal"));
    }

    @Test
    void everyStateHasItsMenu() {
        assertThat(ids(TrayMenu.build(Fixtures.view(Scenario.LOGGED_OUT))))
                .containsExactly("status", "fix", "sep:actions", "login", "sep:app", "open", "preferences", "quit");
        assertThat(ids(TrayMenu.build(Fixtures.view(Scenario.STOPPED))))
                .containsExactly("status", "fix", "sep:actions", "connect", "self", "peers", "sep:app", "open",
                        "preferences", "quit");
        assertThat(ids(TrayMenu.build(Fixtures.view(Scenario.UNREACHABLE))))
                .containsExactly("status", "fix", "sep:app", "open", "quit");
        assertThat(label(TrayMenu.build(Fixtures.view(Scenario.UNREACHABLE)), "fix"))
                .contains("systemctl start trellisd");
        assertThat(label(TrayMenu.build(Fixtures.view(Scenario.DENIED)), "status"))
                .isEqualTo("Trellis refused this user");
        assertThat(ids(TrayMenu.build(Fixtures.view(Scenario.CONNECTING)))).contains("disconnect");
        assertThat(ids(TrayMenu.build(Fixtures.view(Scenario.LOADING))))
                .containsExactly("status", "sep:app", "open", "quit");
        List<MenuEntry> none = TrayMenu.build(Fixtures.view(Scenario.NO_PEERS));
        assertThat(label(none, "peers:none")).isEqualTo("No other devices");
    }

    @Test
    void warningsAreListedUnderTheStatus() {
        AppView v = Fixtures.view(Scenario.WARNING);
        assertThat(v.state()).isEqualTo(TrayState.WARNING);
        assertThat(v.keyExpiresSoon()).isTrue();
        List<MenuEntry> m = TrayMenu.build(v);
        assertThat(label(m, "warning:0")).startsWith("⚠ This device's key expires in 3 days");
        assertThat(label(m, "warning:1")).startsWith("⚠ nas is only reachable through relay lab1");
        assertThat(v.tooltip()).startsWith("Trellis: Connected\nlaptop · 100.64.0.1\n2 warnings");
    }

    @Test
    void idsAreStableAndUniqueAcrossRebuilds() {
        for (Scenario s : Scenario.values()) {
            List<MenuEntry> a = TrayMenu.build(Fixtures.view(s));
            List<String> all = new ArrayList<>();
            collect(a, all);
            assertThat(all).as(s.name()).doesNotHaveDuplicates();
            assertThat(TrayMenu.build(Fixtures.view(s))).isEqualTo(a);
        }
    }

    private static void collect(List<MenuEntry> m, List<String> into) {
        for (MenuEntry e : m) {
            into.add(e.id());
            if (e instanceof Submenu s) {
                collect(s.entries(), into);
            }
        }
    }

    @Test
    void aHugeNetworkIsCappedInTheMenu() {
        var peers = new java.util.LinkedHashMap<dev.trellis.protocol.key.NodePublicKey,
                dev.trellis.protocol.localapi.PeerStatus>();
        for (int i = 0; i < 120; i++) {
            var key = dev.trellis.protocol.key.NodePublicKey.fromHex(String.format("%064x", i + 1000));
            peers.put(key, Fixtures.node(key, "node" + i, 7, List.of("100.64.1." + (i + 1)), null, null, 0, 0, true,
                    false, 0, null));
        }
        var s = DaemonSnapshot.ok(Fixtures.status(dev.trellis.protocol.localapi.BackendState.RUNNING,
                Fixtures.self(Fixtures.NOW.plusSeconds(864000)), peers, List.of()), Fixtures.prefs(true), Fixtures.NOW);
        List<MenuEntry> m = TrayMenu.build(AppView.of(s, Fixtures.NOW));
        assertThat(label(m, "peers:more")).isEqualTo("70 more… (Open Trellis)");
    }
}
