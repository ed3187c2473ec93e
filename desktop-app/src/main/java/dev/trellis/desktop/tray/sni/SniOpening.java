package dev.trellis.desktop.tray.sni;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.exceptions.DBusException;

/**
 * One attempt to open a {@link SniTray}, bounded in time. Connecting has no timeout of its own in
 * dbus-java (a Unix socket whose server accepts and then says nothing blocks the SASL handshake
 * forever), so the steps run on a thread of their own; at the deadline the caller gets an answer
 * and the attempt is abandoned: its thread interrupted, its connection (or finished tray) closed,
 * exactly once, whichever side gets there first.
 */
final class SniOpening {
    /** The steps of opening, given the attempt's deadline and its way to connect. */
    interface Steps {
        Optional<SniTray> run(Deadline deadline) throws SniException;
    }

    private final String busAddress;
    private final Duration timeout;
    private final Steps steps;
    private final long deadlineNanos;
    // guarded by this
    private boolean abandoned;
    private DBusConnection connection;
    private SniTray result;

    SniOpening(String busAddress, Duration timeout, Steps steps) {
        this.busAddress = busAddress;
        this.timeout = timeout;
        this.steps = steps;
        this.deadlineNanos = BusCalls.deadline(timeout);
    }

    /** What the steps see of the attempt. */
    final class Deadline {
        long nanos() {
            return deadlineNanos;
        }

        /** A private connection to the bus (never dbus-java's shared one: closing it must not close anyone else's). */
        DBusConnection connect() throws SniException {
            DBusConnection c;
            try {
                // One connect attempt: dbus-java retries a refused connect every 500 ms up to the
                // transport timeout (10 s by default), which only delays the answer "no bus there".
                // One thread for incoming calls: hosts' calls are answered in the order they came.
                // dbus-java's default pool answers concurrently, and libdbusmenu realizes menu items
                // in the order the answers arrive: a submenu's child answered before its parent is
                // dropped ("Children but no menu"), leaving the submenu empty. The answers are quick
                // reads of immutable snapshots, so one thread is plenty.
                c = DBusConnectionBuilder.forAddress(busAddress).withShared(false)
                        .transportConfig().withTimeout(500).back()
                        .receivingThreadConfig().withMethodCallThreadCount(1).connectionConfig()
                        .build();
            } catch (DBusException | RuntimeException e) {
                throw new SniException("cannot connect to the D-Bus session bus at " + busAddress + ": "
                        + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()), e);
            }
            synchronized (SniOpening.this) {
                if (abandoned) {
                    c.disconnect();
                    throw new SniException("abandoned");
                }
                connection = c;
            }
            return c;
        }
    }

    Optional<SniTray> run() throws SniException {
        FutureTask<Optional<SniTray>> task = new FutureTask<>(() -> {
            Optional<SniTray> r = steps.run(new Deadline());
            synchronized (this) {
                if (abandoned) {
                    r.ifPresent(SniTray::close);
                    throw new SniException("abandoned");
                }
                result = r.orElse(null);
            }
            return r;
        });
        Thread thread = new Thread(task, "trellis-sni-open");
        thread.setDaemon(true);
        thread.start();
        try {
            return task.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            abandon(thread);
            throw new SniException("the D-Bus session bus at " + busAddress + " or its StatusNotifierWatcher did not answer within "
                    + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            abandon(thread);
            Thread.currentThread().interrupt();
            throw new SniException("interrupted while opening the tray icon");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SniException s) {
                throw s;
            }
            throw new SniException("opening the tray icon failed: " + e.getCause(), e.getCause());
        }
    }

    private void abandon(Thread thread) {
        synchronized (this) {
            abandoned = true;
            if (result != null) {
                result.close();
            } else if (connection != null) {
                connection.disconnect();
            }
        }
        thread.interrupt();
    }
}
