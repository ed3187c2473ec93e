package dev.trellis.protocol.localapi;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The reply to {@code GET /localapi/v0/whois?addr=IP[:port]}: Tailscale's
 * {@code apitype.WhoIsResponse}, limited to the fields Trellis fills. A program that serves
 * connections inside the tunnel asks it who is on the other end of one.
 *
 * @param node the node that owns the address (this node or a peer)
 * @param userProfile the node's owner; for a tagged node, the user who tagged it
 */
public record WhoIsResponse(
        @JsonProperty("Node") NetMapNode node,
        @JsonProperty("UserProfile") UserProfile userProfile) {}
