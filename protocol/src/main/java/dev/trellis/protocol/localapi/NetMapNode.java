package dev.trellis.protocol.localapi;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.trellis.protocol.key.NodePublicKey;
import dev.trellis.protocol.net.IpPrefix;
import java.time.Instant;
import java.util.List;

/**
 * A node in a {@link NetMap}: Tailscale's {@code tailcfg.Node}, limited to the fields Trellis
 * fills.
 *
 * @param id the coordinator's numeric node ID
 * @param stableId the stable string node ID
 * @param name the node's FQDN, ending with a dot
 * @param user the owner's user ID
 * @param key the node's WireGuard public key
 * @param keyExpiry when the key expires; null = never
 * @param addresses the node's tunnel addresses as host prefixes ({@code 100.64.0.1/32})
 * @param allowedIps its addresses plus the routes it serves
 * @param endpoints {@code ip:port} endpoints where it may be reached directly
 * @param homeDerp its home relay region ID; 0 (omitted) = none
 * @param hostinfo what the node reports about itself, or null
 * @param created when it first registered
 * @param tags its ACL tags
 * @param lastSeen when the coordinator last heard from it, or null
 * @param online whether it is connected to the coordinator; null = unknown
 * @param machineAuthorized whether an admin has approved it (omitted when false)
 * @param computedName the short name clients display (the first DNS label)
 * @param expired whether its key has expired (omitted when false)
 */
public record NetMapNode(
        @JsonProperty("ID") long id,
        @JsonProperty("StableID") String stableId,
        @JsonProperty("Name") String name,
        @JsonProperty("User") long user,
        @JsonProperty("Key") NodePublicKey key,
        @JsonProperty("KeyExpiry") Instant keyExpiry,
        @JsonProperty("Addresses") List<IpPrefix> addresses,
        @JsonProperty("AllowedIPs") List<IpPrefix> allowedIps,
        @JsonProperty("Endpoints") List<String> endpoints,
        @JsonProperty("HomeDERP") @JsonInclude(JsonInclude.Include.NON_DEFAULT) int homeDerp,
        @JsonProperty("Hostinfo") Hostinfo hostinfo,
        @JsonProperty("Created") Instant created,
        @JsonProperty("Tags") List<String> tags,
        @JsonProperty("LastSeen") Instant lastSeen,
        @JsonProperty("Online") Boolean online,
        @JsonProperty("MachineAuthorized") @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean machineAuthorized,
        @JsonProperty("ComputedName") String computedName,
        @JsonProperty("Expired") @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean expired) {

    public NetMapNode {
        addresses = Copies.list(addresses);
        allowedIps = Copies.list(allowedIps);
        endpoints = Copies.list(endpoints);
        tags = Copies.list(tags);
    }

    /**
     * What a node reports about itself: the part of Tailscale's {@code tailcfg.Hostinfo} that
     * Trellis fills.
     *
     * @param hostname the OS hostname
     * @param os "linux", "macos", "windows", …
     * @param osVersion free text, e.g. a kernel release
     * @param ipnVersion the node's daemon version
     */
    public record Hostinfo(
            @JsonProperty("Hostname") String hostname,
            @JsonProperty("OS") String os,
            @JsonProperty("OSVersion") String osVersion,
            @JsonProperty("IPNVersion") String ipnVersion) {}
}
