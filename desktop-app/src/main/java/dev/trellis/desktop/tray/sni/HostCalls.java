package dev.trellis.desktop.tray.sni;

import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.List;
import org.freedesktop.dbus.DBusCallInfo;
import org.freedesktop.dbus.connections.base.AbstractConnectionBase;

/**
 * The last calls hosts made to the tray's exported objects, who made them (the caller's unique
 * bus name) and on what, with the item's registrations and the watcher's changes of hands: the
 * first thing to look at when a desktop shows no icon or no menu ("did it ever ask for the
 * pixmaps?"). Bounded; also logged at TRACE.
 */
final class HostCalls {
    /** One call: the caller's unique name, the member (e.g. "GetLayout"), and a few words of its arguments. */
    record Call(String sender, String member, String detail) {}

    private static final int MAX = 256;
    private static final System.Logger LOG = System.getLogger("trellis.desktop.tray.sni");

    private final ArrayDeque<Call> calls = new ArrayDeque<>();

    /** Records the D-Bus call being served on this thread. */
    void record(String member, String detail) {
        DBusCallInfo info = AbstractConnectionBase.getCallInfo();
        record(info == null ? "" : info.getSource(), member, detail);
    }

    /** Records something a peer did that was not a call to us (e.g. the watcher changing hands). */
    void record(String sender, String member, String detail) {
        Call call = new Call(sender, member, detail);
        LOG.log(Level.TRACE, "{0} called {1}({2})", call.sender(), member, detail);
        synchronized (calls) {
            if (calls.size() == MAX) {
                calls.removeFirst();
            }
            calls.addLast(call);
        }
    }

    List<Call> snapshot() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }
}
