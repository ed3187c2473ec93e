package dev.trellis.coordinator.admin;

import dev.trellis.coordinator.store.Node;
import java.time.Instant;
import java.util.List;

/**
 * A node as the admin API shows it. Holds no secrets: the node key is the WireGuard public key.
 *
 * @param user      the owner's user name
 * @param addresses IPv4 then IPv6
 * @param online    whether the node holds a map stream to this coordinator; null when unknown
 *                  (the command line read the store because no coordinator was running)
 * @param lastSeen  when it was last connected; null if never recorded
 * @param keyExpiry when its node key stops being accepted; null means never
 * @param expired   the key expiry has passed
 */
public record NodeView(long id, String stableId, String name, String hostname, long userId, String user,
        List<String> addresses, Boolean online, Instant lastSeen, Instant keyExpiry, boolean expired,
        List<String> tags, boolean ephemeral, Instant created, String nodeKey, List<String> endpoints) {

    public NodeView {
        addresses = List.copyOf(addresses);
        tags = List.copyOf(tags);
        endpoints = List.copyOf(endpoints);
    }

    /** @param userName the owner's name, or null if the user is gone (shown as the id) */
    public static NodeView of(Node n, String userName, Boolean online, Instant now) {
        return new NodeView(n.id(), n.stableId(), n.name(), n.hostname(), n.userId(),
                userName != null ? userName : "#" + n.userId(),
                List.of(n.ipv4().getHostAddress(), n.ipv6().getHostAddress()), online, n.lastSeen(), n.keyExpiry(),
                n.keyExpiredAt(now), n.tags(), n.ephemeral(), n.created(), n.nodeKey().toString(), n.endpoints());
    }
}
