package dev.trellis.desktop.platform;

import dev.trellis.desktop.model.Notice;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.interfaces.DBus;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.Variant;

/**
 * Desktop notifications through the desktop's own notification service
 * ({@code org.freedesktop.Notifications} on the session bus), on a thread of its own so a slow bus
 * never holds up the app. A notice of a kind replaces the previous one of that kind rather than
 * stacking. When the bus or the service goes away, notices go to the fallback.
 */
public final class DbusNotifier implements Notifier, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(DbusNotifier.class.getName());
    private static final int EXPIRE_DEFAULT = -1;

    private final DBusConnection conn;
    private final FreedesktopNotifications service;
    private final Notifier fallback;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("trellis-desktop-notify").factory());
    private final Map<Notice.Kind, UInt32> shown = new EnumMap<>(Notice.Kind.class);

    private DbusNotifier(DBusConnection conn, FreedesktopNotifications service, Notifier fallback) {
        this.conn = conn;
        this.service = service;
        this.fallback = fallback;
    }

    /**
     * Connects to the session bus at {@code busAddress} and checks that a notification service is
     * there (running or activatable), within {@code timeoutMillis}.
     *
     * @return the notifier, or null (with the reason logged) when there is no bus or no service
     */
    public static DbusNotifier open(String busAddress, Notifier fallback, long timeoutMillis) {
        if (busAddress == null || busAddress.isBlank()) {
            return null;
        }
        ExecutorService probe = Executors.newSingleThreadExecutor(
                Thread.ofPlatform().daemon().name("trellis-desktop-notify-probe").factory());
        Future<DbusNotifier> f = probe.submit(() -> {
            DBusConnection c = DBusConnectionBuilder.forAddress(busAddress).withShared(false).build();
            try {
                DBus bus = c.getRemoteObject("org.freedesktop.DBus", "/org/freedesktop/DBus", DBus.class);
                boolean there = bus.NameHasOwner(FreedesktopNotifications.BUS_NAME)
                        || List.of(bus.ListActivatableNames()).contains(FreedesktopNotifications.BUS_NAME);
                if (!there) {
                    c.close();
                    LOG.info("no desktop notification service on the session bus: using the app's own popups");
                    return null;
                }
                FreedesktopNotifications n = c.getRemoteObject(FreedesktopNotifications.BUS_NAME,
                        FreedesktopNotifications.OBJECT_PATH, FreedesktopNotifications.class);
                return new DbusNotifier(c, n, fallback);
            } catch (Exception e) {
                c.close();
                throw e;
            }
        });
        try {
            return f.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            f.cancel(true);
            LOG.log(Level.INFO, "desktop notifications over D-Bus unavailable ({0}): using the app's own popups",
                    String.valueOf(e.getCause() != null ? e.getCause() : e));
            return null;
        } finally {
            probe.shutdownNow();
        }
    }

    @Override
    public void show(Notice notice) {
        try {
            worker.execute(() -> send(notice));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed: nothing more to show
        }
    }

    private void send(Notice notice) {
        try {
            UInt32 replaces = shown.getOrDefault(notice.kind(), new UInt32(0));
            Map<String, Variant<?>> hints = Map.of("urgency",
                    new Variant<>((byte) (notice.kind() == Notice.Kind.ERROR ? 2 : 1)),
                    "desktop-entry", new Variant<>("trellis-desktop"));
            UInt32 id = service.Notify("Trellis", replaces, "network-vpn", notice.title(), notice.body(), List.of(),
                    hints, EXPIRE_DEFAULT);
            shown.put(notice.kind(), id);
        } catch (RuntimeException e) {
            LOG.log(Level.INFO, "the notification service failed ({0}); showing it in the app", e.toString());
            fallback.show(notice);
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
        conn.disconnect();
    }
}
