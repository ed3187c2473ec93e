package dev.trellis.engine.portmap;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * A UDP port mapping the gateway granted: datagrams to {@code external} are forwarded to the
 * node's internal port for {@code lifetime} from when the answer arrived.
 *
 * @param external the gateway's public address and the port it assigned
 * @param lifetime how long the gateway keeps it (never zero for a granted mapping)
 * @param protocol {@code "pcp"} or {@code "nat-pmp"}
 */
public record Mapping(InetSocketAddress external, Duration lifetime, String protocol) {
    public Mapping {
        Objects.requireNonNull(external, "external");
        Objects.requireNonNull(lifetime, "lifetime");
        Objects.requireNonNull(protocol, "protocol");
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("a granted mapping has a positive lifetime: " + lifetime);
        }
    }
}
