package dev.trellis.protocol.localapi;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The network ("tailnet") the node is in: Tailscale's {@code ipnstate.TailnetStatus}.
 *
 * @param name the network's name
 * @param magicDnsSuffix the DNS suffix of node names, without dots around it, e.g.
 *     {@code alice.trellis.internal}; set even when MagicDNS is off
 * @param magicDnsEnabled whether the network resolves node names
 */
public record TailnetStatus(
        @JsonProperty("Name") String name,
        @JsonProperty("MagicDNSSuffix") String magicDnsSuffix,
        @JsonProperty("MagicDNSEnabled") boolean magicDnsEnabled) {}
