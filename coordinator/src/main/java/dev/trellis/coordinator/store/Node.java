package dev.trellis.coordinator.store;

import dev.trellis.protocol.key.MachinePublicKey;
import dev.trellis.protocol.key.NodePublicKey;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.time.Instant;
import java.util.List;

/**
 * A device as the coordinator stores it. The id, stable id, addresses and name are assigned once,
 * at first registration, and survive re-registration under the same machine key.
 *
 * @param stableId     random text id, safe to show and to use in URLs (unlike the row id, it does
 *                     not reveal how many nodes exist)
 * @param discoKey     the node's disco key text; null until the node reports one
 * @param hostname     the host name as the device reported it
 * @param name         DNS label derived from the host name, unique among all nodes
 * @param ipv4         in 100.64.0.0/10
 * @param ipv6         {@code fd7a:115c:a1e0::} plus the same 32 bits as {@code ipv4}
 * @param endpoints    {@code ip:port} texts where the node may be reachable
 * @param hostinfoJson the node's host information, as JSON; null if not reported
 * @param preAuthKeyId the pre-auth key the node last registered with; null after an interactive
 *                     login or once that key is deleted
 * @param keyExpiry    when the node key stops being accepted; null means never
 * @param lastSeen     last time the node was connected; null if never recorded
 */
public record Node(long id, String stableId, MachinePublicKey machineKey, NodePublicKey nodeKey, String discoKey,
        long userId, String hostname, String name, Inet4Address ipv4, Inet6Address ipv6, List<String> endpoints,
        String hostinfoJson, List<String> tags, boolean ephemeral, Long preAuthKeyId, Instant keyExpiry,
        Instant created, Instant lastSeen) {
    public Node {
        Checks.text(stableId, "stable id", Checks.MAX_NAME);
        Checks.notNull(machineKey, "machine key");
        Checks.notNull(nodeKey, "node key");
        Checks.optionalText(discoKey, "disco key", Checks.MAX_NAME);
        Checks.notNull(hostname, "hostname");
        Checks.optionalText(hostname, "hostname", Checks.MAX_NAME);
        NodeNames.checkLabel(name);
        Checks.notNull(ipv4, "IPv4 address");
        Checks.notNull(ipv6, "IPv6 address");
        endpoints = Checks.list(endpoints, "endpoints");
        Checks.optionalText(hostinfoJson, "hostinfo", Checks.MAX_HOSTINFO);
        tags = Checks.list(tags, "tags");
        Checks.notNull(created, "created");
    }

    /** True if the node key has an expiry at or before {@code now}. */
    public boolean keyExpiredAt(Instant now) {
        return keyExpiry != null && !keyExpiry.isAfter(now);
    }
}
