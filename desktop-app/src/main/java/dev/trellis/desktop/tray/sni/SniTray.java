package dev.trellis.desktop.tray.sni;

import dev.trellis.desktop.model.Action;
import dev.trellis.desktop.model.MenuEntry;
import dev.trellis.desktop.model.TrayState;
import dev.trellis.desktop.tray.Tray;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.interfaces.DBus;
import org.freedesktop.dbus.matchrules.DBusMatchRuleBuilder;
import org.freedesktop.dbus.messages.DBusSignal;
import org.freedesktop.dbus.types.UInt32;

/**
 * The tray icon as a StatusNotifierItem: exports {@link ItemObject} at /StatusNotifierItem and
 * {@link MenuObject} at /MenuBar on its own session-bus connection, owns the well-known name
 * {@code org.kde.StatusNotifierItem-<pid>-<n>} and registers it with the
 * {@code org.kde.StatusNotifierWatcher}, again whenever the watcher is restarted.
 *
 * <p>Clicks reach the handler given to {@link #open} on one thread of this tray, in the order they
 * came, never on dbus-java's threads (so a slow handler delays no D-Bus answer).
 */
public final class SniTray implements Tray {
    /** How long {@link #open} may take in all, connecting included. */
    public static final Duration OPEN_TIMEOUT = Duration.ofSeconds(5);
    /** How long a later call to the bus or the watcher may take. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(3);
    static final String WATCHER = StatusNotifierWatcher.BUS_NAME;
    private static final String DBUS_NAME = "org.freedesktop.DBus";
    private static final String DBUS_PATH = "/org/freedesktop/DBus";
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final System.Logger LOG = System.getLogger("trellis.desktop.tray.sni");

    private final DBusConnection conn;
    private final DBus bus;
    private final String busName;
    private final ItemObject item;
    private final MenuObject menu;
    private final Consumer<Action> onAction;
    /** Runs click handlers and re-registrations, one at a time. */
    private final ExecutorService worker;
    private final AtomicInteger registrations = new AtomicInteger();
    private final HostCalls calls = new HostCalls();
    /** The unique name of the watcher the item last registered with (touched on open's thread, then the worker's). */
    private volatile String registeredWith = "";
    private volatile boolean closed;

    private SniTray(DBusConnection conn, DBus bus, Consumer<Action> onAction) {
        this.conn = conn;
        this.onAction = onAction;
        this.bus = bus;
        this.busName = "org.kde.StatusNotifierItem-" + ProcessHandle.current().pid() + "-" + INSTANCES.incrementAndGet();
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "trellis-sni-" + busName.substring(busName.lastIndexOf('-') + 1));
            t.setDaemon(true);
            return t;
        });
        this.item = new ItemObject(this::dispatch, calls);
        this.menu = new MenuObject(this::dispatch, calls);
    }

    /**
     * Shows a StatusNotifierItem on the session bus at {@code busAddress} (the caller passes
     * {@code DBUS_SESSION_BUS_ADDRESS}). Empty when there is nothing to show it in: no address, or
     * no StatusNotifierWatcher on the bus (the desktop's tray does not host such items). Takes at
     * most {@link #OPEN_TIMEOUT}.
     *
     * @throws SniException when the bus can't be reached, doesn't answer in time, or refuses the
     *     item; the message says which
     */
    public static Optional<SniTray> open(String busAddress, Consumer<Action> onAction) throws SniException {
        return open(busAddress, onAction, OPEN_TIMEOUT);
    }

    static Optional<SniTray> open(String busAddress, Consumer<Action> onAction, Duration timeout) throws SniException {
        Objects.requireNonNull(onAction, "onAction");
        if (busAddress == null || busAddress.isBlank()) {
            return Optional.empty();
        }
        return new SniOpening(busAddress, timeout, deadline -> start(busAddress, onAction, deadline)).run();
    }

    /** The steps of {@link #open}, on {@link SniOpening}'s thread. */
    private static Optional<SniTray> start(String busAddress, Consumer<Action> onAction, SniOpening.Deadline d)
            throws SniException {
        DBusConnection c = d.connect();
        SniTray tray = null;
        try {
            DBus bus = c.getRemoteObject(DBUS_NAME, DBUS_PATH, DBus.class);
            if (!Boolean.TRUE.equals(BusCalls.call(c, bus, "NameHasOwner", d.nanos(), WATCHER))) {
                c.disconnect();
                return Optional.empty();
            }
            tray = new SniTray(c, bus, onAction);
            tray.export(d.nanos());
            return Optional.of(tray);
        } catch (SniException | DBusException | RuntimeException e) {
            if (tray != null) {
                tray.close();
            } else {
                c.disconnect();
            }
            if (e instanceof SniException s) {
                throw s;
            }
            throw new SniException("the session bus at " + busAddress + " failed: " + e.getMessage(), e);
        }
    }

    private void export(long deadline) throws SniException {
        try {
            conn.exportObject(ItemObject.PATH, item);
            conn.exportObject(MenuObject.PATH, menu);
        } catch (DBusException e) {
            throw new SniException("could not export the tray item: " + e.getMessage(), e);
        }
        Object reply = BusCalls.call(conn, bus, "RequestName", deadline, busName,
                new UInt32(DBus.DBUS_NAME_FLAG_DO_NOT_QUEUE));
        int r = reply instanceof UInt32 u ? u.intValue() : -1;
        if (r != DBus.DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER && r != DBus.DBUS_REQUEST_NAME_REPLY_ALREADY_OWNER) {
            throw new SniException("the session bus refused the name " + busName + " (RequestName answered " + r + ")");
        }
        try {
            // The watcher forgets its items when it restarts (a panel restart): register again.
            conn.addSigHandler(DBusMatchRuleBuilder.create().withType(DBus.NameOwnerChanged.class)
                    .withArg0123(0, WATCHER).build(), (DBus.NameOwnerChanged s) -> watcherChanged(s));
        } catch (DBusException e) {
            throw new SniException("could not watch " + WATCHER + ": " + e.getMessage(), e);
        }
        register(deadline);
    }

    private void register(long deadline) throws SniException {
        StatusNotifierWatcher watcher;
        try {
            watcher = conn.getRemoteObject(WATCHER, StatusNotifierWatcher.PATH, StatusNotifierWatcher.class);
        } catch (DBusException e) {
            throw new SniException("no " + WATCHER + ": " + e.getMessage(), e);
        }
        String owner = (String) BusCalls.call(conn, bus, "GetNameOwner", deadline, WATCHER);
        BusCalls.call(conn, watcher, "RegisterStatusNotifierItem", deadline, busName);
        calls.record(owner, "registered", busName);
        registeredWith = owner;
        registrations.incrementAndGet();
    }

    private void watcherChanged(DBus.NameOwnerChanged s) {
        if (!WATCHER.equals(s.name) || s.newOwner == null || s.newOwner.isEmpty() || closed) {
            return;
        }
        calls.record(s.getSource(), "NameOwnerChanged", s.name + " " + s.oldOwner + " -> " + s.newOwner);
        run(() -> {
            // dbus-java may hand the same signal over twice; one registration per watcher is enough
            if (s.newOwner.equals(registeredWith)) {
                return;
            }
            try {
                register(BusCalls.deadline(CALL_TIMEOUT));
                LOG.log(Level.DEBUG, "registered {0} with the new {1}", busName, WATCHER);
            } catch (SniException e) {
                LOG.log(Level.WARNING, "could not register the tray item with the new " + WATCHER + ": " + e.getMessage());
            }
        });
    }

    private void dispatch(Action action) {
        run(() -> onAction.accept(action));
    }

    private void run(Runnable task) {
        try {
            worker.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "tray task failed", e);
                }
            });
        } catch (RejectedExecutionException e) {
            // closed meanwhile: nothing to do any more
        }
    }

    /** The well-known name this item owns and registered, e.g. {@code org.kde.StatusNotifierItem-4711-1}. */
    public String busName() {
        return busName;
    }

    /** How many times the item registered with a watcher (1 after open, one more per watcher restart). */
    int registrations() {
        return registrations.get();
    }

    /** The last calls hosts made to this item and its menu, oldest first. */
    List<HostCalls.Call> hostCalls() {
        return calls.snapshot();
    }

    MenuObject menu() {
        return menu;
    }

    ItemObject item() {
        return item;
    }

    @Override
    public String kind() {
        return "sni";
    }

    @Override
    public boolean available() {
        return !closed && conn.isConnected();
    }

    @Override
    public String unavailableReason() {
        if (closed) {
            return "The tray icon was closed.";
        }
        return conn.isConnected() ? null : "The connection to the D-Bus session bus was lost.";
    }

    @Override
    public void update(TrayState state, String tooltip, List<MenuEntry> entries) {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(entries, "menu");
        synchronized (this) {
            if (closed) {
                return;
            }
            Set<ItemObject.Changed> changed = item.show(state, tooltip);
            MenuTree.Change m = menu.show(entries);
            try {
                if (changed.contains(ItemObject.Changed.ICON)) {
                    send(new StatusNotifierItem.NewIcon(ItemObject.PATH));
                    send(new StatusNotifierItem.NewAttentionIcon(ItemObject.PATH));
                }
                if (changed.contains(ItemObject.Changed.STATUS)) {
                    send(new StatusNotifierItem.NewStatus(ItemObject.PATH, ItemObject.status(state)));
                }
                if (changed.contains(ItemObject.Changed.TOOLTIP)) {
                    send(new StatusNotifierItem.NewToolTip(ItemObject.PATH));
                }
                if (m.layoutChanged()) {
                    send(new DbusMenu.LayoutUpdated(MenuObject.PATH, new UInt32(m.tree().revision()), MenuTree.ROOT));
                } else if (!m.updated().isEmpty()) {
                    send(new DbusMenu.ItemsPropertiesUpdated(MenuObject.PATH,
                            m.updated().stream().map(n -> new DbusMenu.ItemProperties(n.id(),
                                    MenuObject.properties(n, List.of()))).toList(),
                            m.removed().entrySet().stream().map(
                                    (Map.Entry<Integer, List<String>> e) -> new DbusMenu.RemovedProperties(e.getKey(),
                                            e.getValue())).toList()));
                }
            } catch (DBusException e) {
                LOG.log(Level.WARNING, "could not tell the tray host about the change: " + e.getMessage());
            }
        }
    }

    private void send(DBusSignal signal) {
        if (conn.isConnected()) {
            conn.sendMessage(signal);
        }
    }

    /**
     * Unexports the item and its menu, releases the name (the watcher then drops the item) and
     * disconnects; at most about a second, more only while dbus-java finishes answering a call.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            conn.unExportObject(ItemObject.PATH);
            conn.unExportObject(MenuObject.PATH);
            if (conn.isConnected()) {
                BusCalls.call(conn, bus, "ReleaseName", BusCalls.deadline(Duration.ofSeconds(1)), busName);
            }
        } catch (SniException | RuntimeException e) {
            LOG.log(Level.DEBUG, "releasing " + busName + ": " + e.getMessage());
        } finally {
            worker.shutdown(); // not awaited: close() may run on the worker itself (a "Quit" click)
            try {
                conn.disconnect();
            } catch (RuntimeException e) {
                LOG.log(Level.DEBUG, "disconnecting: " + e.getMessage());
            }
        }
    }
}
