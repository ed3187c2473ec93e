package dev.trellis.desktop.tray.sni;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.freedesktop.dbus.DBusAsyncReply;
import org.freedesktop.dbus.connections.AbstractConnection;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.interfaces.DBusInterface;
import org.freedesktop.dbus.messages.Error;
import org.freedesktop.dbus.messages.MethodCall;

/**
 * D-Bus method calls that give up at a deadline. dbus-java's blocking calls wait 20 s, a
 * JVM-wide setting; a tray must not hang the app that long on a wedged host, so every call this
 * package makes to another peer goes out asynchronously and is waited for here, at most until the
 * caller's deadline.
 */
final class BusCalls {
    private BusCalls() {}

    /** A deadline {@code timeout} from now, in {@link System#nanoTime()} terms. */
    static long deadline(Duration timeout) {
        return System.nanoTime() + timeout.toNanos();
    }

    /**
     * Calls {@code method} of {@code remote} (a proxy from {@code conn.getRemoteObject}) and waits
     * for its answer until {@code deadlineNanos}; the arguments' classes must match the Java method.
     */
    static Object call(AbstractConnection conn, DBusInterface remote, String method, long deadlineNanos,
            Object... args) throws SniException {
        DBusAsyncReply<?> reply;
        try {
            reply = conn.callMethodAsync(remote, method, args);
        } catch (DBusExecutionException e) {
            throw new SniException(method + " could not be sent: " + e.getMessage(), e);
        }
        MethodCall call = reply.getCall();
        // Wait on the call itself: DBusAsyncReply.hasReply() stays false for a void method's reply.
        while (!call.hasReply()) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                throw new SniException(method + " got no answer in time (is the desktop's tray hung?)");
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new SniException(method + " was interrupted");
            }
            call.getReply(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        }
        if (call.getReply(1) instanceof Error error) {
            DBusExecutionException e = error.getException();
            throw new SniException(method + " failed: " + e.getMessage(), e);
        }
        if (reply.getMethod().getReturnType() == void.class) {
            return null;
        }
        try {
            return reply.getReply();
        } catch (DBusException | DBusExecutionException e) {
            throw new SniException(method + " failed: " + e.getMessage(), e);
        }
    }
}
