package dev.trellis.protocol.localapi;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.trellis.protocol.key.NodePublicKey;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;

/**
 * The reply to {@code GET /localapi/v0/status}: Tailscale's {@code ipnstate.Status}, limited to
 * the fields Trellis fills.
 *
 * @param version the daemon's version
 * @param tun whether a kernel TUN device is used (false: userspace networking)
 * @param backendState the node's state; absent reads as {@link BackendState#NO_STATE}
 * @param haveNodeKey whether the node has a node key (has registered at least once); omitted
 *     when false
 * @param authUrl the URL where a pending interactive login can be completed, or null
 * @param tailscaleIps this node's tunnel addresses, IPv4 first
 * @param self this node; null before the first login
 * @param health current health problems, one sentence each; empty when all is well
 * @param magicDnsSuffix legacy copy of {@code currentTailnet.magicDnsSuffix}, still read by
 *     older clients
 * @param currentTailnet the network the node is in; null when not logged in
 * @param peer the peers, keyed by their public key; empty with {@code ?peers=false}
 * @param user profiles of the users that {@code self} and {@code peer} refer to, by user ID
 */
public record Status(
        @JsonProperty("Version") String version,
        @JsonProperty("TUN") boolean tun,
        @JsonProperty("BackendState") BackendState backendState,
        @JsonProperty("HaveNodeKey") @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean haveNodeKey,
        @JsonProperty("AuthURL") String authUrl,
        @JsonProperty("TailscaleIPs") List<InetAddress> tailscaleIps,
        @JsonProperty("Self") PeerStatus self,
        @JsonProperty("Health") List<String> health,
        @JsonProperty("MagicDNSSuffix") String magicDnsSuffix,
        @JsonProperty("CurrentTailnet") TailnetStatus currentTailnet,
        @JsonProperty("Peer") Map<NodePublicKey, PeerStatus> peer,
        @JsonProperty("User") Map<Long, UserProfile> user) {

    public Status {
        backendState = backendState == null ? BackendState.NO_STATE : backendState;
        tailscaleIps = Copies.list(tailscaleIps);
        health = Copies.list(health);
        peer = Copies.map(peer);
        user = Copies.map(user);
    }
}
