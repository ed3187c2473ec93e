package dev.trellis.desktop.model;

import dev.trellis.desktop.model.Action.Kind;
import dev.trellis.desktop.model.MenuEntry.Item;
import dev.trellis.desktop.model.MenuEntry.Separator;
import dev.trellis.desktop.model.MenuEntry.Submenu;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tray menu for a view, as data:
 *
 * <pre>
 * Connected as alice@example.com        (status line; a second line per warning or fix)
 * ─────────
 * Disconnect                            (or Connect, or Log in…)
 * This device: laptop (100.64.0.1)      (copies the address)
 * Network devices ▸  alice@example.com  (a heading per user)
 *                    ● server · direct      (copies 100.64.0.2)
 *                        server.alice.example   (copies the DNS name)
 * ─────────
 * Open Trellis
 * Preferences…
 * Quit Trellis
 * </pre>
 *
 * <p>The online mark is {@value #ONLINE} or {@value #OFFLINE}, in the label, so every tray shows
 * it without icons.
 */
public final class TrayMenu {
    public static final String ONLINE = "●";
    public static final String OFFLINE = "○";
    /** Menus are for picking, not reading: past this many peers, the window lists the rest. */
    public static final int MAX_PEERS = 50;

    private TrayMenu() {}

    public static List<MenuEntry> build(AppView v) {
        List<MenuEntry> m = new ArrayList<>();
        m.add(Item.text("status", v.statusLine()));
        int w = 0;
        for (String warning : v.warnings()) {
            m.add(Item.text("warning:" + w++, "⚠ " + shorten(warning, 80)));
        }
        if (v.fix() != null && v.state() != TrayState.CONNECTED && v.state() != TrayState.WARNING) {
            m.add(Item.text("fix", shorten(v.fix(), 80)));
        }
        List<MenuEntry> actions = new ArrayList<>();
        if (v.needsLogin()) {
            actions.add(Item.action("login", "Log in…", Action.of(Kind.LOG_IN)));
        } else if (v.canConnect()) {
            actions.add(Item.action("connect", "Connect", Action.of(Kind.CONNECT)));
        } else if (v.canDisconnect()) {
            actions.add(Item.action("disconnect", "Disconnect", Action.of(Kind.DISCONNECT)));
        }
        SelfView self = v.self();
        if (self != null && v.backend() != null && v.backend() != dev.trellis.protocol.localapi.BackendState.NEEDS_LOGIN) {
            String addr = self.primaryAddress();
            String label = "This device: " + self.name() + (addr != null ? " (" + addr + ")" : "");
            actions.add(addr != null ? Item.action("self", label, Action.copy(addr)) : Item.text("self", label));
            actions.add(new Submenu("peers", "Network devices", peerEntries(v.peers())));
        }
        if (!actions.isEmpty()) {
            m.add(new Separator("sep:actions"));
            m.addAll(actions);
        }
        m.add(new Separator("sep:app"));
        m.add(Item.action("open", "Open Trellis", Action.of(Kind.OPEN_WINDOW)));
        if (v.backend() != null) {
            m.add(Item.action("preferences", "Preferences…", Action.of(Kind.PREFERENCES)));
        }
        m.add(Item.action("quit", "Quit Trellis", Action.of(Kind.QUIT)));
        return List.copyOf(m);
    }

    /** Peers grouped by owner (in order of the owners' names), each a line to copy its address and one for its DNS name. */
    static List<MenuEntry> peerEntries(List<PeerView> peers) {
        if (peers.isEmpty()) {
            return List.of(Item.text("peers:none", "No other devices"));
        }
        Map<String, List<PeerView>> byUser = new LinkedHashMap<>();
        peers.stream()
                .sorted((a, b) -> {
                    int c = userOrder(a).compareToIgnoreCase(userOrder(b));
                    return c != 0 ? c : a.name().compareToIgnoreCase(b.name());
                })
                .limit(MAX_PEERS)
                .forEach(p -> byUser.computeIfAbsent(p.user(), u -> new ArrayList<>()).add(p));
        List<MenuEntry> out = new ArrayList<>();
        for (Map.Entry<String, List<PeerView>> e : byUser.entrySet()) {
            if (!out.isEmpty()) {
                out.add(new Separator("sep:user:" + e.getKey()));
            }
            PeerView first = e.getValue().getFirst();
            out.add(Item.text("user:" + e.getKey(), first.user().isEmpty() ? "Unknown owner"
                    : first.user().equals("tagged") ? first.userDisplayName() : first.user()));
            for (PeerView p : e.getValue()) {
                String mark = p.online() ? ONLINE : OFFLINE;
                String addr = p.primaryAddress();
                String label = mark + " " + p.name() + " · " + p.pathWord();
                out.add(addr != null ? Item.action("peer:" + p.key() + ":addr", label, Action.copy(addr))
                        : Item.text("peer:" + p.key() + ":addr", label));
                if (p.dnsName() != null) {
                    out.add(Item.action("peer:" + p.key() + ":dns", "      " + p.dnsName(), Action.copy(p.dnsName())));
                }
            }
        }
        if (peers.size() > MAX_PEERS) {
            out.add(new Separator("sep:more"));
            out.add(Item.action("peers:more", (peers.size() - MAX_PEERS) + " more… (Open Trellis)",
                    Action.of(Kind.OPEN_WINDOW)));
        }
        return out;
    }

    /** Tagged devices after people's. */
    private static String userOrder(PeerView p) {
        return p.user().equals("tagged") ? "\uffff" : p.user();
    }

    private static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
