package dev.trellis.engine.filter;

import dev.trellis.protocol.control.FilterRule;
import dev.trellis.protocol.net.IpPrefix;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * The node's packet filter (Tailscale's {@code wgengine/filter}): judges each packet a peer sent
 * before it reaches the OS, and watches the packets the OS sends so that their replies come back.
 * Immutable and thread-safe: a policy change compiles a new filter around the same
 * {@link FlowTable} and {@link FilterCounters}, and the TUN wrapper swaps it in.
 *
 * <p>An inbound packet is accepted when, in this order:
 * <ol>
 *   <li>its headers parse ({@link Packet}: every length checked, IPv6 extension headers walked
 *       up to a bound), else {@link DropReason#MALFORMED};
 *   <li>if it is a later fragment: its datagram's first fragment was accepted in the last
 *       {@link FlowTable#FRAGMENT_IDLE}, else {@link DropReason#FRAGMENT}. A later fragment has
 *       no ports to judge; the first one carries them and must hold the whole transport header;
 *   <li>its destination is one of this node's addresses or routes, or lies in a prefix a rule
 *       names as destination ({@code "*"} does not count: it means "any of ours"), and a rule
 *       accepts it: source in SrcIPs, protocol in IPProto (empty = TCP, UDP, ICMP, ICMPv6), and
 *       for TCP, UDP and SCTP the destination port in a DstPorts range of a matching prefix;
 *       ICMP matches on addresses alone; other protocols only where all ports are allowed;
 *   <li>or it belongs to a flow this node started, whatever its destination: the reply of a TCP
 *       connection or UDP exchange (by 5-tuple), an ICMP echo reply (by identifier), or an ICMP
 *       error that quotes a packet of such a flow.
 * </ol>
 * Otherwise {@link DropReason#NOT_FOR_US} or {@link DropReason#NO_RULE}.
 *
 * <p>TCP is stateful, unlike Tailscale (which accepts every non-SYN segment): an inbound segment
 * needs a rule or a tracked flow, and every outbound segment (not only the SYN) creates or renews
 * its flow. So a connection a rule once admitted survives a policy change that revokes the rule
 * until it is idle for {@link FlowTable#TCP_IDLE}, as with conntrack's established state.
 */
public final class PacketFilter {
    private enum Mode { ALLOW, DENY, RULES }

    /**
     * Accepts every packet unexamined and tracks nothing: for tests and "filtering off". It lets
     * a peer hand the OS any packet for any destination. Counts into its own counters.
     */
    public static final PacketFilter ALLOW_ALL =
            new PacketFilter(Mode.ALLOW, null, PrefixList.EMPTY, null, new FilterCounters(), new LongAdder[0]);
    /** Drops every inbound packet ({@link DropReason#NO_FILTER}): before the first policy. */
    public static final PacketFilter DENY_ALL =
            new PacketFilter(Mode.DENY, null, PrefixList.EMPTY, null, new FilterCounters(), new LongAdder[0]);

    private static final ThreadLocal<Packet> SCRATCH = ThreadLocal.withInitial(Packet::new);

    private final Mode mode;
    private final RuleSet rules;
    private final PrefixList local;
    private final FlowTable flows;
    private final FilterCounters counters;
    private final LongAdder[] ruleAccepts;

    private PacketFilter(Mode mode, RuleSet rules, PrefixList local, FlowTable flows,
            FilterCounters counters, LongAdder[] ruleAccepts) {
        this.mode = mode;
        this.rules = rules;
        this.local = local;
        this.flows = flows;
        this.counters = counters;
        this.ruleAccepts = ruleAccepts;
    }

    /**
     * Compiles the coordinator's rules. {@code local} holds this node's addresses (as host
     * prefixes) and any routes it serves to peers. Throws {@link IllegalArgumentException}
     * naming the rule and value when a rule is invalid.
     */
    public static PacketFilter compile(List<FilterRule> rules, Collection<IpPrefix> local,
            FlowTable flows, FilterCounters counters) {
        Objects.requireNonNull(rules, "rules");
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(flows, "flows");
        Objects.requireNonNull(counters, "counters");
        RuleSet compiled = RuleSet.compile(rules);
        PrefixList.Builder ours = new PrefixList.Builder();
        for (IpPrefix p : local) {
            ours.add(Objects.requireNonNull(p, "local prefix"));
        }
        ours.addAll(compiled.explicitDestinations());
        return new PacketFilter(Mode.RULES, compiled, ours.build(), flows, counters,
                counters.ruleCounters(compiled.size()));
    }

    /** Accepts every inbound packet unexamined, but tracks outbound flows for a later policy. */
    public static PacketFilter allowAll(FlowTable flows, FilterCounters counters) {
        return new PacketFilter(Mode.ALLOW, null, PrefixList.EMPTY, Objects.requireNonNull(flows, "flows"),
                Objects.requireNonNull(counters, "counters"), new LongAdder[0]);
    }

    /** Drops every inbound packet, tracking outbound flows for a later policy. */
    public static PacketFilter denyAll(FlowTable flows, FilterCounters counters) {
        return new PacketFilter(Mode.DENY, null, PrefixList.EMPTY, Objects.requireNonNull(flows, "flows"),
                Objects.requireNonNull(counters, "counters"), new LongAdder[0]);
    }

    public FilterCounters counters() {
        return counters;
    }

    /** The flow table, or null for {@link #ALLOW_ALL} and {@link #DENY_ALL}. */
    public FlowTable flows() {
        return flows;
    }

    /** The number of compiled rules (0 unless built by {@link #compile}). */
    public int ruleCount() {
        return rules == null ? 0 : rules.size();
    }

    /**
     * Judges a packet from a peer, lying in {@code buf} at absolute indices
     * {@code [offset, offset+length)} within its limit; position and limit are not changed.
     * Allocates nothing (unless a drop log line is due).
     */
    public Verdict inbound(ByteBuffer buf, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buf.limit());
        if (mode == Mode.ALLOW) {
            counters.acceptedUnfiltered();
            return Verdict.ACCEPT;
        }
        if (mode == Mode.DENY) {
            return drop(DropReason.NO_FILTER, null, buf, offset, length);
        }
        Packet p = SCRATCH.get();
        if (!p.parse(buf, offset, length)) {
            return drop(DropReason.MALFORMED, p, buf, offset, length);
        }
        long now = flows.now();
        if (p.fragment == Packet.LATER_FRAGMENT) {
            if (flows.lookup(fragmentKey(p), p.srcHi, p.srcLo, p.dstHi, p.dstLo, now)) {
                counters.acceptedFragment();
                return Verdict.ACCEPT;
            }
            return drop(DropReason.FRAGMENT, p, buf, offset, length);
        }
        boolean ours = local.contains(p.version, p.dstHi, p.dstLo);
        if (ours) {
            int rule = rules.match(p);
            if (rule >= 0) {
                ruleAccepts[rule].increment();
                return accepted(p, now);
            }
        }
        if (tracked(p, now)) {
            counters.acceptedByFlow();
            return accepted(p, now);
        }
        return drop(ours ? DropReason.NO_RULE : DropReason.NOT_FOR_US, p, buf, offset, length);
    }

    /**
     * Notes a packet the OS sends to a peer, lying in {@code buf} at absolute indices
     * {@code [offset, offset+length)}: TCP segments, UDP datagrams and ICMP echo requests create
     * or renew their flow. Never blocks the packet; malformed ones are ignored (the peer's
     * filter judges them).
     */
    public void outbound(ByteBuffer buf, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buf.limit());
        if (flows == null) {
            return;
        }
        Packet p = SCRATCH.get();
        if (!p.parse(buf, offset, length) || p.fragment == Packet.LATER_FRAGMENT) {
            return;
        }
        boolean v6 = p.isV6();
        if (p.hasPorts && (p.proto == Packet.TCP || p.proto == Packet.UDP)) {
            long ports = (long) p.dstPort << 16 | p.srcPort;
            flows.track(FlowTable.meta(FlowTable.KIND_FLOW, v6, p.proto, ports),
                    p.dstHi, p.dstLo, p.srcHi, p.srcLo, flows.now());
        } else if (p.isIcmpEchoRequest()) {
            flows.track(FlowTable.meta(FlowTable.KIND_FLOW, v6, p.proto, p.icmpId),
                    p.dstHi, p.dstLo, p.srcHi, p.srcLo, flows.now());
        }
    }

    /** Whether the inbound packet belongs to a flow this node started. */
    private boolean tracked(Packet p, long now) {
        boolean v6 = p.isV6();
        if (p.hasPorts && (p.proto == Packet.TCP || p.proto == Packet.UDP)) {
            long ports = (long) p.srcPort << 16 | p.dstPort;
            return flows.lookup(FlowTable.meta(FlowTable.KIND_FLOW, v6, p.proto, ports),
                    p.srcHi, p.srcLo, p.dstHi, p.dstLo, now);
        }
        if (p.isIcmpEchoReply()) {
            return flows.lookup(FlowTable.meta(FlowTable.KIND_FLOW, v6, p.proto, p.icmpId),
                    p.srcHi, p.srcLo, p.dstHi, p.dstLo, now);
        }
        if (p.isIcmpError() && p.innerValid) {
            // The quoted packet is one this node sent: its source must be the error's destination.
            Packet q = p.inner;
            if (q.srcHi != p.dstHi || q.srcLo != p.dstLo) {
                return false;
            }
            if (q.hasPorts && (q.proto == Packet.TCP || q.proto == Packet.UDP)) {
                long ports = (long) q.dstPort << 16 | q.srcPort;
                return flows.lookup(FlowTable.meta(FlowTable.KIND_FLOW, v6, q.proto, ports),
                        q.dstHi, q.dstLo, q.srcHi, q.srcLo, now);
            }
            if (q.isIcmpEchoRequest()) {
                return flows.lookup(FlowTable.meta(FlowTable.KIND_FLOW, v6, q.proto, q.icmpId),
                        q.dstHi, q.dstLo, q.srcHi, q.srcLo, now);
            }
        }
        return false;
    }

    private Verdict accepted(Packet p, long now) {
        if (p.fragment == Packet.FIRST_FRAGMENT) {
            flows.track(fragmentKey(p), p.srcHi, p.srcLo, p.dstHi, p.dstLo, now);
        }
        return Verdict.ACCEPT;
    }

    private static long fragmentKey(Packet p) {
        return FlowTable.meta(FlowTable.KIND_FRAGMENT, p.isV6(), p.fragmentProto, p.fragmentId);
    }

    private Verdict drop(DropReason reason, Packet p, ByteBuffer buf, int offset, int length) {
        counters.dropped(reason, p, buf, offset, length);
        return Verdict.DROP;
    }

    @Override
    public String toString() {
        return switch (mode) {
            case ALLOW -> "PacketFilter[allow all]";
            case DENY -> "PacketFilter[deny all]";
            case RULES -> "PacketFilter[" + rules.size() + " rules]";
        };
    }
}
