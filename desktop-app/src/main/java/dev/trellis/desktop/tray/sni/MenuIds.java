package dev.trellis.desktop.tray.sni;

import java.util.HashMap;
import java.util.Map;

/**
 * dbusmenu's integer ids for {@link dev.trellis.desktop.model.MenuEntry} ids: the same entry id
 * always gets the same integer, so a host that has a menu open keeps its items across updates,
 * and an id is never given to another entry (a click on a stale item can't hit the wrong entry).
 * Ids start at 1; 0 is dbusmenu's root. The map only grows, by one per entry id ever shown: a few
 * per peer the network has ever had.
 */
final class MenuIds {
    private final Map<String, Integer> ids = new HashMap<>();
    private int next = 1;

    /** The integer id of the {@code occurrence}-th entry (from 0) with this id in one menu. */
    synchronized int idOf(String entryId, int occurrence) {
        // Ids are unique within a menu by contract; a duplicate still gets an id of its own
        // (stable as long as the duplicates keep their order) rather than corrupting the tree.
        String key = occurrence == 0 ? entryId : entryId + "\u0000" + occurrence;
        return ids.computeIfAbsent(key, k -> {
            if (next == Integer.MAX_VALUE) {
                throw new IllegalStateException("dbusmenu ids exhausted");
            }
            return next++;
        });
    }
}
