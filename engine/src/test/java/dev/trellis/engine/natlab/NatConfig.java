package dev.trellis.engine.natlab;

import java.time.Duration;
import java.util.Objects;

/**
 * The behaviour of a NAT in RFC 4787 terms.
 *
 * @param mapping          when an internal endpoint gets a new external port (RFC 4787 §4.1)
 * @param filtering        which inbound packets a mapping lets in (§5)
 * @param mappingTimeout   idle time after which a mapping (and each permission) expires (§4.3)
 * @param inboundRefresh   whether inbound packets also keep a mapping alive (REQ-6 makes this optional)
 * @param portPreservation reuse the internal port as the external one when it is free (§4.2.1)
 * @param hairpinning      let an internal host reach another through the external address (§6)
 */
public record NatConfig(Mapping mapping, Filtering filtering, Duration mappingTimeout, boolean inboundRefresh,
        boolean portPreservation, boolean hairpinning) {

    /** RFC 4787 REQ-5: a mapping must not expire in less than two minutes of idleness. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

    public enum Mapping {
        /** The same external endpoint for every destination ("cone"; RFC 4787 REQ-1). */
        ENDPOINT_INDEPENDENT,
        /** A new external endpoint per destination IP. */
        ADDRESS_DEPENDENT,
        /** A new external endpoint per destination IP and port ("symmetric"; MASQUERADE --random-fully). */
        ADDRESS_AND_PORT_DEPENDENT
    }

    public enum Filtering {
        /** Anyone may send to an existing mapping ("full cone"). */
        ENDPOINT_INDEPENDENT,
        /** Only hosts the mapping has sent to ("restricted cone"). */
        ADDRESS_DEPENDENT,
        /** Only IP:ports the mapping has sent to ("port-restricted"). */
        ADDRESS_AND_PORT_DEPENDENT
    }

    public NatConfig {
        Objects.requireNonNull(mapping, "mapping");
        Objects.requireNonNull(filtering, "filtering");
        if (mappingTimeout.isNegative() || mappingTimeout.isZero()) {
            throw new IllegalArgumentException("mapping timeout must be positive: " + mappingTimeout);
        }
    }

    /** A NAT with the given behaviour, default timeout, port preservation, no hairpinning. */
    public static NatConfig of(Mapping m, Filtering f) {
        return new NatConfig(m, f, DEFAULT_TIMEOUT, false, true, false);
    }

    /** The usual home router: endpoint-independent mapping, port-restricted filtering. */
    public static NatConfig easy() {
        return of(Mapping.ENDPOINT_INDEPENDENT, Filtering.ADDRESS_AND_PORT_DEPENDENT);
    }

    /** A symmetric NAT with random ports, as Linux MASQUERADE --random-fully. */
    public static NatConfig hard() {
        return new NatConfig(Mapping.ADDRESS_AND_PORT_DEPENDENT, Filtering.ADDRESS_AND_PORT_DEPENDENT,
                DEFAULT_TIMEOUT, false, false, false);
    }

    public NatConfig withTimeout(Duration t) {
        return new NatConfig(mapping, filtering, t, inboundRefresh, portPreservation, hairpinning);
    }

    public NatConfig withHairpinning(boolean on) {
        return new NatConfig(mapping, filtering, mappingTimeout, inboundRefresh, portPreservation, on);
    }

    public NatConfig withPortPreservation(boolean on) {
        return new NatConfig(mapping, filtering, mappingTimeout, inboundRefresh, on, hairpinning);
    }

    public NatConfig withInboundRefresh(boolean on) {
        return new NatConfig(mapping, filtering, mappingTimeout, on, portPreservation, hairpinning);
    }
}
