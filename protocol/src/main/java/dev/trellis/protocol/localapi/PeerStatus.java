package dev.trellis.protocol.localapi;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.trellis.protocol.key.NodePublicKey;
import dev.trellis.protocol.net.IpPrefix;
import java.net.InetAddress;
import java.time.Instant;
import java.util.List;

/**
 * This node ({@link Status#self()}) or one of its peers as the daemon sees it now: Tailscale's
 * {@code ipnstate.PeerStatus}, limited to the fields Trellis fills. Times are null when unknown
 * or never happened; Tailscale prints Go's zero time there, which reads as null.
 *
 * @param id the stable node ID (an opaque string)
 * @param nodeId the coordinator's numeric node ID
 * @param publicKey the node's WireGuard key; also its key in {@link Status#peer()}
 * @param hostName the OS hostname the node reported; not unique, not a DNS name
 * @param dnsName the node's FQDN ending with a dot, e.g. {@code laptop.alice.trellis.internal.}
 * @param os "linux", "macos", "windows", …
 * @param userId the owner's ID, a key of {@link Status#user()}
 * @param tailscaleIps the node's tunnel addresses, IPv4 first
 * @param allowedIps what the node may send from: its addresses plus routes it serves
 * @param tags the node's ACL tags, e.g. {@code tag:server}
 * @param addrs the {@code ip:port} endpoints where the node may be reached directly
 * @param curAddr the endpoint in use now when direct, else null
 * @param relay the relay (DERP) region name used when not direct, or null
 * @param rxBytes bytes received from the node since the daemon started
 * @param txBytes bytes sent to the node since the daemon started
 * @param created when the node first registered
 * @param lastWrite when we last sent it a packet
 * @param lastSeen when the coordinator last heard from it; only set while it is offline
 * @param lastHandshake the last completed WireGuard handshake with it
 * @param online whether it is connected to the coordinator now
 * @param active whether packets flowed to it in the last two minutes
 * @param expired whether its node key has expired (omitted when false)
 * @param keyExpiry when its node key expires or expired; null = never
 * @param latencySeconds Trellis: round trip of the path in use, from its last disco pong; 0 = unmeasured
 * @param relayReason Trellis: while relayed, why no direct path is in use, in words; omitted when direct
 */
public record PeerStatus(
        @JsonProperty("ID") String id,
        @JsonProperty("NodeID") long nodeId,
        @JsonProperty("PublicKey") NodePublicKey publicKey,
        @JsonProperty("HostName") String hostName,
        @JsonProperty("DNSName") String dnsName,
        @JsonProperty("OS") String os,
        @JsonProperty("UserID") long userId,
        @JsonProperty("TailscaleIPs") List<InetAddress> tailscaleIps,
        @JsonProperty("AllowedIPs") List<IpPrefix> allowedIps,
        @JsonProperty("Tags") List<String> tags,
        @JsonProperty("Addrs") List<String> addrs,
        @JsonProperty("CurAddr") String curAddr,
        @JsonProperty("Relay") String relay,
        @JsonProperty("RxBytes") long rxBytes,
        @JsonProperty("TxBytes") long txBytes,
        @JsonProperty("Created") Instant created,
        @JsonProperty("LastWrite") Instant lastWrite,
        @JsonProperty("LastSeen") Instant lastSeen,
        @JsonProperty("LastHandshake") Instant lastHandshake,
        @JsonProperty("Online") boolean online,
        @JsonProperty("Active") boolean active,
        @JsonProperty("Expired") @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean expired,
        @JsonProperty("KeyExpiry") Instant keyExpiry,
        @JsonProperty("LatencySeconds") @JsonInclude(JsonInclude.Include.NON_DEFAULT) double latencySeconds,
        @JsonProperty("RelayReason") @JsonInclude(JsonInclude.Include.NON_EMPTY) String relayReason) {

    /** Without path details (latency, relay reason). */
    public PeerStatus(String id, long nodeId, NodePublicKey publicKey, String hostName, String dnsName, String os,
            long userId, List<InetAddress> tailscaleIps, List<IpPrefix> allowedIps, List<String> tags, List<String> addrs,
            String curAddr, String relay, long rxBytes, long txBytes, Instant created, Instant lastWrite,
            Instant lastSeen, Instant lastHandshake, boolean online, boolean active, boolean expired,
            Instant keyExpiry) {
        this(id, nodeId, publicKey, hostName, dnsName, os, userId, tailscaleIps, allowedIps, tags, addrs, curAddr,
                relay, rxBytes, txBytes, created, lastWrite, lastSeen, lastHandshake, online, active, expired, keyExpiry,
                0, null);
    }

    /** A copy with the path's details. */
    public PeerStatus withPath(String cur, String relayName, double latency, String reason) {
        return new PeerStatus(id, nodeId, publicKey, hostName, dnsName, os, userId, tailscaleIps, allowedIps, tags,
                addrs, cur, relayName, rxBytes, txBytes, created, lastWrite, lastSeen, lastHandshake, online, active,
                expired, keyExpiry, latency, reason);
    }

    public PeerStatus {
        tailscaleIps = Copies.list(tailscaleIps);
        allowedIps = Copies.list(allowedIps);
        tags = Copies.list(tags);
        addrs = Copies.list(addrs);
    }

    /** The DNS name without its trailing dot, or null. */
    public String dnsNameNoDot() {
        if (dnsName == null || dnsName.isEmpty()) {
            return null;
        }
        return dnsName.endsWith(".") ? dnsName.substring(0, dnsName.length() - 1) : dnsName;
    }
}
