package dev.trellis.engine.paths;

/**
 * What this node's last netcheck found, as far as explaining paths needs it.
 *
 * @param udp whether UDP reached any relay's STUN; null = not measured yet
 * @param mappingVariesByDestIp whether this node's NAT maps by destination; null = unknown
 */
public record SelfNetwork(Boolean udp, Boolean mappingVariesByDestIp) {
    public static final SelfNetwork UNKNOWN = new SelfNetwork(null, null);
}
