package dev.trellis.desktop.model;

import dev.trellis.protocol.localapi.PeerStatus;
import dev.trellis.protocol.localapi.UserProfile;
import dev.trellis.protocol.net.IpLiterals;
import java.net.Inet4Address;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One device of the network as the app shows it: a row of the peer list, an entry of the tray's
 * "Network devices" menu.
 *
 * @param key the node's public key (as the daemon writes it): a stable identity for selection
 * @param name the short name (the first label of the DNS name, else the host name)
 * @param dnsName the full MagicDNS name without the final dot (null when it has none)
 * @param user the owner's login name ("tagged" for a tagged node, "" when unknown)
 * @param userDisplayName the owner's display name (the login name when it has none)
 * @param addresses the tunnel addresses, IPv4 first
 * @param latency the last disco round trip (null when unknown)
 * @param relayReason why the path is relayed, in the daemon's words (null when direct or unknown)
 */
public record PeerView(
        String key,
        String name,
        String dnsName,
        String user,
        String userDisplayName,
        String os,
        List<String> addresses,
        List<String> tags,
        boolean online,
        boolean active,
        boolean expired,
        Instant lastSeen,
        Instant keyExpiry,
        PathKind path,
        String endpoint,
        String relay,
        Duration latency,
        String relayReason,
        long rxBytes,
        long txBytes) {

    /** How packets reach the peer now. */
    public enum PathKind {
        /** Straight over UDP to {@code endpoint}. */
        DIRECT,
        /** Through the relay of region {@code relay}. */
        RELAYED,
        /** Neither is known (offline, or nothing sent yet). */
        NONE
    }

    public PeerView {
        addresses = List.copyOf(addresses);
        tags = List.copyOf(tags);
    }

    /** The address to copy: the first IPv4 address, else the first address, else null. */
    public String primaryAddress() {
        return addresses.isEmpty() ? null : addresses.getFirst();
    }

    /** "direct 198.18.1.2:41641", "relayed via lab1", "no path yet". */
    public String pathText() {
        return switch (path) {
            case DIRECT -> "direct " + endpoint;
            case RELAYED -> "relayed via " + relay;
            case NONE -> online ? "no path yet" : "offline";
        };
    }

    /** "direct", "relayed" or "offline": the word for a narrow place like a menu. */
    public String pathWord() {
        return switch (path) {
            case DIRECT -> "direct";
            case RELAYED -> "relayed";
            case NONE -> online ? "idle" : "offline";
        };
    }

    /** Builds the view of {@code p}; {@code users} are the status's user profiles. */
    public static PeerView of(PeerStatus p, Map<Long, UserProfile> users) {
        UserProfile u = users.get(p.userId());
        boolean tagged = !p.tags().isEmpty();
        String login = tagged ? "tagged" : u != null && u.loginName() != null ? u.loginName() : "";
        String display = tagged ? "Tagged devices"
                : u != null && u.displayName() != null && !u.displayName().isBlank() ? u.displayName() : login;
        String dns = p.dnsNameNoDot();
        String name = dns != null && !dns.isEmpty() ? dns.split("\\.", 2)[0]
                : p.hostName() != null ? p.hostName() : p.id();
        List<String> addrs = p.tailscaleIps().stream()
                .sorted((a, b) -> Boolean.compare(!(a instanceof Inet4Address), !(b instanceof Inet4Address)))
                .map(a -> IpLiterals.format(a.getAddress())).toList();
        PathKind kind;
        if (p.curAddr() != null && !p.curAddr().isEmpty()) {
            kind = PathKind.DIRECT;
        } else if (p.relay() != null && !p.relay().isEmpty()) {
            kind = PathKind.RELAYED;
        } else {
            kind = PathKind.NONE;
        }
        Duration latency = p.latencySeconds() > 0 ? Duration.ofNanos((long) (p.latencySeconds() * 1e9)) : null;
        String reason = kind == PathKind.DIRECT || p.relayReason() == null || p.relayReason().isEmpty()
                ? null : p.relayReason();
        return new PeerView(
                p.publicKey() != null ? p.publicKey().toString() : p.id(),
                name, dns, login, display, p.os() == null ? "" : p.os(), addrs, p.tags(),
                p.online(), p.active(), p.expired(), p.lastSeen(), p.keyExpiry(),
                kind, kind == PathKind.DIRECT ? p.curAddr() : null, kind == PathKind.NONE ? null : p.relay(),
                latency, reason, p.rxBytes(), p.txBytes());
    }
}
