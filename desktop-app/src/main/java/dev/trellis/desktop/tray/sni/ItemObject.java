package dev.trellis.desktop.tray.sni;

import dev.trellis.desktop.model.Action;
import dev.trellis.desktop.model.TrayState;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.errors.UnknownInterface;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.types.Variant;

/**
 * The exported {@code org.kde.StatusNotifierItem} at {@value #PATH}: serves the item's properties
 * from the last state {@link #show shown}, and turns a primary click into
 * {@link Action.Kind#OPEN_WINDOW}. Called on dbus-java's threads; the state is one immutable
 * snapshot, so readers never see half an update.
 */
final class ItemObject implements StatusNotifierItem, Properties {
    static final String PATH = "/StatusNotifierItem";
    static final String INTERFACE = "org.kde.StatusNotifierItem";
    static final String ID = "trellis";
    static final String TITLE = "Trellis";
    private static final String PIXMAPS = "a(iiay)";

    /** What a host has to re-read after {@link #show}. */
    enum Changed { ICON, STATUS, TOOLTIP }

    private record Shown(TrayState state, String tooltip) {}

    private final Consumer<Action> onAction;
    private final HostCalls calls;
    private final ReadOnlyProperties props;
    private volatile Shown shown = new Shown(TrayState.CONNECTING, "");

    ItemObject(Consumer<Action> onAction, HostCalls calls) {
        this.onAction = Objects.requireNonNull(onAction, "onAction");
        this.calls = Objects.requireNonNull(calls, "calls");
        this.props = new ReadOnlyProperties(INTERFACE, calls, this::properties);
    }

    /** Shows this state and tooltip; answers what changed (empty: nothing to tell the host). */
    synchronized Set<Changed> show(TrayState state, String tooltip) {
        Shown before = shown;
        Shown now = new Shown(Objects.requireNonNull(state, "state"), tooltip == null ? "" : tooltip);
        Set<Changed> changed = EnumSet.noneOf(Changed.class);
        if (before.state != now.state) {
            changed.add(Changed.ICON);
        }
        if (!status(before.state).equals(status(now.state))) {
            changed.add(Changed.STATUS);
        }
        if (!before.tooltip.equals(now.tooltip)) {
            changed.add(Changed.TOOLTIP);
        }
        shown = now;
        return changed;
    }

    TrayState state() {
        return shown.state;
    }

    /** NeedsAttention makes hosts highlight the icon (and un-hide it when hidden): only for problems. */
    static String status(TrayState state) {
        return state == TrayState.WARNING || state == TrayState.ERROR ? "NeedsAttention" : "Active";
    }

    @Override
    public void Activate(int x, int y) {
        calls.record("Activate", x + "," + y);
        onAction.accept(Action.of(Action.Kind.OPEN_WINDOW));
    }

    @Override
    public void SecondaryActivate(int x, int y) {
        calls.record("SecondaryActivate", x + "," + y);
        // Nothing: the menu has every action, and a middle click that does something unseen surprises.
    }

    @Override
    public void ContextMenu(int x, int y) {
        calls.record("ContextMenu", x + "," + y);
        // Hosts that can't show a dbusmenu ask for this; the item has no menu of its own to pop up.
    }

    @Override
    public void Scroll(int delta, String orientation) {
        calls.record("Scroll", delta + " " + orientation);
        // Nothing to scroll through.
    }

    @Override
    public String getObjectPath() {
        return PATH;
    }

    @Override
    public <A> A Get(String interfaceName, String propertyName) {
        return props.get(interfaceName, propertyName);
    }

    @Override
    public <A> void Set(String interfaceName, String propertyName, A value) {
        throw props.readOnly();
    }

    @Override
    public Map<String, Variant<?>> GetAll(String interfaceName) {
        return props.getAll(interfaceName);
    }

    Map<String, Variant<?>> properties(String interfaceName) {
        if (!INTERFACE.equals(interfaceName)) {
            throw new UnknownInterface("no interface " + interfaceName + " at " + PATH);
        }
        Shown s = shown;
        List<Pixmap> icon = Pixmaps.of(s.state);
        Map<String, Variant<?>> p = new LinkedHashMap<>();
        p.put("Category", new Variant<>("ApplicationStatus"));
        p.put("Id", new Variant<>(ID));
        p.put("Title", new Variant<>(TITLE));
        p.put("Status", new Variant<>(status(s.state)));
        p.put("WindowId", new Variant<>(0));
        p.put("IconThemePath", new Variant<>(""));
        p.put("IconName", new Variant<>(""));
        p.put("IconPixmap", new Variant<>(icon, PIXMAPS));
        p.put("OverlayIconName", new Variant<>(""));
        p.put("OverlayIconPixmap", new Variant<>(List.of(), PIXMAPS));
        // Hosts show the attention icon while NeedsAttention; it is the state icon, which already says why.
        p.put("AttentionIconName", new Variant<>(""));
        p.put("AttentionIconPixmap", new Variant<>(icon, PIXMAPS));
        p.put("AttentionMovieName", new Variant<>(""));
        p.put("ToolTip", new Variant<>(new ToolTip("", List.of(), TITLE, markup(description(s.tooltip))),
                "(sa(iiay)ss)"));
        p.put("ItemIsMenu", new Variant<>(false));
        p.put("Menu", new Variant<>(new DBusPath(MenuObject.PATH)));
        return p;
    }

    /** The tooltip under its title: the app's one-line tooltip without the "Trellis: " the title already says. */
    static String description(String tooltip) {
        String prefix = TITLE + ": ";
        return tooltip.startsWith(prefix) ? tooltip.substring(prefix.length()) : tooltip;
    }

    /** The spec's tooltip text is markup (XFCE: Pango; KDE: a subset of HTML): our text is plain. */
    static String markup(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
