package dev.trellis.protocol.control;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * One accept rule of a node's packet filter, applied to packets arriving from the tunnel: a
 * packet from one of {@code srcIps} to one of {@code dstPorts}, with one of {@code ipProto}
 * (empty = TCP, UDP and ICMP), is accepted. Shaped like Tailscale's {@code tailcfg.FilterRule}.
 *
 * @param srcIps prefixes or addresses, or {@code "*"} for any
 * @param dstPorts destinations on this node
 * @param ipProto IANA protocol numbers; empty = the default set
 */
public record FilterRule(
        @JsonProperty("SrcIPs") List<String> srcIps,
        List<PortRange> dstPorts,
        @JsonProperty("IPProto") List<Integer> ipProto) {
    public FilterRule {
        srcIps = srcIps == null ? List.of() : List.copyOf(srcIps);
        dstPorts = dstPorts == null ? List.of() : List.copyOf(dstPorts);
        ipProto = ipProto == null ? List.of() : List.copyOf(ipProto);
    }

    /** The rule that accepts everything: the filter when no policy is set. */
    public static final List<FilterRule> ALLOW_ALL =
            List.of(new FilterRule(List.of("*"), List.of(new PortRange("*", 0, 65535)), List.of()));

    /** Destination {@code ip} (address, prefix or "*") and ports {@code first..last}. */
    public record PortRange(@JsonProperty("IP") String ip, int first, int last) {}
}
