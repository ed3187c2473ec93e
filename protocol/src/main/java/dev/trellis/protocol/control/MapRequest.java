package dev.trellis.protocol.control;

import dev.trellis.protocol.key.NodePublicKey;
import java.util.List;

/**
 * Asks for the node's map, and tells the coordinator how to reach the node.
 *
 * <p>With {@code stream} true the coordinator answers with a full {@link MapResponse}, then
 * keeps the request open and sends deltas and keep-alives until the connection ends. With
 * {@code stream} false it only records the endpoints, disco key and hostinfo (an update while a
 * stream is open), and answers nothing.
 *
 * @param version the node's {@link CapabilityVersion}
 * @param nodeKey the node's current, registered node key
 * @param discoKey the node's disco key (text form); null = none yet
 * @param endpoints "ip:port" UDP endpoints where peers may reach the node
 * @param hostinfo what the node says about itself; null = unchanged
 * @param stream see above
 */
public record MapRequest(
        long id,
        int version,
        NodePublicKey nodeKey,
        String discoKey,
        List<String> endpoints,
        Hostinfo hostinfo,
        boolean stream) implements ControlMessage {

    public MapRequest {
        endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
    }
}
