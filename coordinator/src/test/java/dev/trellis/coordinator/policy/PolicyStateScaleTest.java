package dev.trellis.coordinator.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.protocol.control.FilterRule;
import dev.trellis.protocol.control.FilterRule.PortRange;
import dev.trellis.protocol.control.Node;
import dev.trellis.protocol.net.IpPrefix;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * PolicyState against the direct evaluation of the policy's meaning, on a random tailnet of
 * 2,000 nodes and a random 200-rule policy, before and after random churn. Correctness only: no
 * timing is asserted.
 */
class PolicyStateScaleTest {
    static final int NODES = 2000;
    static final int USERS = 60;
    static final int[][] PROBES = {{6, 22}, {6, 80}, {6, 443}, {17, 53}, {1, 0}, {6, 5432}, {17, 9999}};

    private final Random random = new Random(20261125);
    private final Map<Long, String> logins = new HashMap<>();
    private final Map<Long, Node> nodes = new HashMap<>();
    private long nextId = 1;
    /** Addresses are unique in a tailnet: each node (and each renumbering) takes the next free one. */
    private int nextSlot = 0;

    @Test
    void matchesTheDirectEvaluationThroughChurn() throws Exception {
        Policy policy = Policy.parse(randomPolicy(200));
        assertThat(policy.rules()).hasSize(200);
        PolicyState state = new PolicyState(policy);
        for (long u = 0; u < USERS; u++) {
            if (u != 7) { // user 7's login is never told: its nodes are members that no user selector names
                logins.put(u, login(u));
                state.putUser(u, login(u));
            }
        }
        for (int i = 0; i < NODES; i++) {
            Node n = randomNode(nextId++, nextSlot++);
            nodes.put(n.id(), n);
            state.upsert(n);
        }
        compare(policy, state);

        for (int round = 0; round < 3; round++) {
            List<Long> ids = new ArrayList<>(nodes.keySet());
            Map<Long, List<FilterRule>> before = new HashMap<>();
            for (int i = 0; i < 100; i++) {
                long id = ids.get(random.nextInt(ids.size()));
                before.put(id, state.filterFor(id));
            }
            for (int op = 0; op < 150; op++) {
                churn(state, ids);
            }
            compare(policy, state);
            for (Map.Entry<Long, List<FilterRule>> e : before.entrySet()) {
                if (nodes.containsKey(e.getKey()) && state.filterFor(e.getKey()).equals(e.getValue())) {
                    assertThat(state.filterFor(e.getKey())).as("unchanged filter of node %d", e.getKey())
                            .isSameAs(e.getValue());
                }
            }
        }
    }

    private void churn(PolicyState state, List<Long> ids) {
        long id = ids.get(random.nextInt(ids.size()));
        Node n = nodes.get(id);
        if (n == null) {
            return; // removed earlier in this round
        }
        switch (random.nextInt(6)) {
            case 0 -> { // retag
                Node m = new Node(id, n.stableId(), n.name(), n.user(), null, null, null, n.addresses(), n.allowedIps(),
                        List.of(), null, null, Instant.EPOCH, null, null, randomTags(), false);
                nodes.put(id, m);
                state.upsert(m);
            }
            case 1 -> { // another owner
                Node m = new Node(id, n.stableId(), n.name(), random.nextInt(USERS), null, null, null, n.addresses(),
                        n.allowedIps(), List.of(), null, null, Instant.EPOCH, null, null, n.tags(), false);
                nodes.put(id, m);
                state.upsert(m);
            }
            case 2 -> { // new addresses
                Node m = randomNode(id, nextSlot++);
                m = new Node(id, n.stableId(), n.name(), n.user(), null, null, null, m.addresses(), m.allowedIps(),
                        List.of(), null, null, Instant.EPOCH, null, null, n.tags(), false);
                nodes.put(id, m);
                state.upsert(m);
            }
            case 3 -> {
                if (nodes.remove(id) != null) {
                    state.remove(id);
                }
            }
            case 4 -> {
                Node m = randomNode(nextId++, nextSlot++);
                nodes.put(m.id(), m);
                state.upsert(m);
            }
            default -> {
                long u = random.nextInt(USERS);
                // logins are unique: a user gets a fresh name, or its own original one back
                String login = random.nextBoolean() ? login(u) : "renamed" + nextSlot++;
                logins.put(u, login);
                state.putUser(u, login);
            }
        }
    }

    private void compare(Policy policy, PolicyState state) {
        List<Node> all = new ArrayList<>(nodes.values());
        Map<Long, Identity> ids = new HashMap<>();
        for (Node n : all) {
            ids.put(n.id(), identity(n));
        }
        for (int i = 0; i < 40; i++) {
            Node v = all.get(random.nextInt(all.size()));
            for (Node p : all) {
                boolean expected = reaches(policy, ids.get(v.id()), ids.get(p.id()))
                        || reaches(policy, ids.get(p.id()), ids.get(v.id()));
                assertThat(state.visible(v.id(), p.id())).as("visible(%s, %s)", v, p).isEqualTo(expected);
            }
        }
        // Nodes of one visibility class relate alike to every node (what the hub's policy diff relies on).
        Map<Integer, Node> firstOfClass = new HashMap<>();
        for (Node n : all) {
            firstOfClass.putIfAbsent(state.visibilityClass(n.id()), n);
        }
        assertThat(firstOfClass.size()).as("classes for %d nodes", all.size()).isLessThan(all.size());
        for (int i = 0; i < 40; i++) {
            Node a = all.get(random.nextInt(all.size()));
            Node rep = firstOfClass.get(state.visibilityClass(a.id()));
            for (Node x : all) {
                if (x.id() != a.id() && x.id() != rep.id()) {
                    assertThat(state.visible(x.id(), a.id())).as("class of %s and %s seen from %s", a, rep, x)
                            .isEqualTo(state.visible(x.id(), rep.id()));
                }
            }
        }
        for (int i = 0; i < 15; i++) {
            Node d = all.get(random.nextInt(all.size()));
            List<FilterRule> filter = state.filterFor(d.id());
            assertThat(state.filterFor(d.id())).isSameAs(filter);
            List<Parsed> rules = parse(filter);
            for (Node s : all) {
                boolean[] fromOk = new boolean[rules.size()];
                for (int r = 0; r < rules.size(); r++) {
                    fromOk[r] = rules.get(r).accepts(s.addresses());
                }
                for (int[] probe : PROBES) {
                    boolean expected = Evaluator.allows(policy.rules(), ids.get(s.id()), ids.get(d.id()), probe[0],
                            probe[1]);
                    boolean actual = accepts(rules, fromOk, d.addresses(), probe[0], probe[1]);
                    assertThat(actual).as("filter of %s for %s proto %d port %d: %s", d, s, probe[0], probe[1], filter)
                            .isEqualTo(expected);
                }
            }
        }
    }

    /** The plain definition: some rule has src selecting {@code a} and a dst entry selecting {@code b}. */
    private static boolean reaches(Policy policy, Identity a, Identity b) {
        for (Rule r : policy.rules()) {
            if (Evaluator.srcHit(r, a) == null) {
                continue;
            }
            for (Rule.Dst d : r.dst()) {
                if (d.selector() instanceof Selector.Self ? Selector.Self.matches(a, b) : d.selector().matchesDst(b)) {
                    return true;
                }
            }
        }
        return false;
    }

    private Identity identity(Node n) {
        if (!n.tags().isEmpty()) {
            return new Identity(null, n.tags(), n.addresses(), n.allowedIps());
        }
        String login = logins.get(n.user());
        return new Identity(login == null ? "?unknown" + n.user() : login, List.of(), n.addresses(), n.allowedIps());
    }

    /** A packet filter rule with its text parsed, as a node's filter would hold it. */
    private record Parsed(Ranges src, boolean anySrc, List<PortRange> ports, List<IpPrefix> portIps,
            List<Integer> protos) {
        boolean accepts(List<IpPrefix> from) {
            return anySrc || from.stream().anyMatch(a -> src.contains(a.address()));
        }
    }

    /** Prefixes as sorted, disjoint address ranges (IPv6 after IPv4), searched by bisection. */
    private record Ranges(BigInteger[] starts, BigInteger[] ends) {
        static final BigInteger V6 = BigInteger.ONE.shiftLeft(40); // above every IPv4 address

        static BigInteger number(byte[] raw) {
            BigInteger n = new BigInteger(1, raw);
            return raw.length == 16 ? n.add(V6) : n;
        }

        static Ranges of(List<IpPrefix> prefixes) {
            List<IpPrefix> sorted = prefixes.stream().sorted().toList();
            BigInteger[] starts = new BigInteger[sorted.size()];
            BigInteger[] ends = new BigInteger[sorted.size()];
            for (int i = 0; i < sorted.size(); i++) {
                IpPrefix p = sorted.get(i);
                starts[i] = number(p.address());
                ends[i] = starts[i].add(BigInteger.ONE.shiftLeft(p.address().length * 8 - p.bits())).subtract(BigInteger.ONE);
            }
            return new Ranges(starts, ends);
        }

        boolean contains(byte[] raw) {
            BigInteger n = number(raw);
            int lo = 0;
            int hi = starts.length - 1;
            while (lo <= hi) { // the last range starting at or before n
                int mid = (lo + hi) >>> 1;
                if (starts[mid].compareTo(n) <= 0) {
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            return hi >= 0 && ends[hi].compareTo(n) >= 0;
        }
    }

    private static List<Parsed> parse(List<FilterRule> filter) {
        List<Parsed> out = new ArrayList<>();
        for (FilterRule f : filter) {
            boolean any = f.srcIps().contains("*");
            List<IpPrefix> src = f.srcIps().stream().filter(s -> !s.equals("*")).map(IpPrefix::parse).toList();
            List<IpPrefix> ips = f.dstPorts().stream().map(p -> p.ip().equals("*") ? null : IpPrefix.parse(p.ip()))
                    .toList();
            out.add(new Parsed(Ranges.of(src), any, f.dstPorts(), ips, f.ipProto()));
        }
        return out;
    }

    /** Whether {@code filter} accepts a packet (from a source each rule's {@code fromOk} says) to one of {@code to}. */
    private static boolean accepts(List<Parsed> filter, boolean[] fromOk, List<IpPrefix> to, int proto, int port) {
        for (int k = 0; k < filter.size(); k++) {
            Parsed f = filter.get(k);
            if (!fromOk[k] || !(f.protos().isEmpty() ? Protocols.DEFAULT : f.protos()).contains(proto)) {
                continue;
            }
            for (int i = 0; i < f.ports().size(); i++) {
                PortRange r = f.ports().get(i);
                IpPrefix ip = f.portIps().get(i);
                boolean dstOk = ip == null || to.stream().anyMatch(a -> ip.contains(a.address()));
                boolean portOk = !Protocols.hasPorts(proto) || (port >= r.first() && port <= r.last());
                if (dstOk && portOk) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String login(long u) {
        return u % 2 == 0 ? "u" + u + "@example.com" : "u" + u;
    }

    private Node randomNode(long id, int slot) {
        List<IpPrefix> addresses = List.of(
                IpPrefix.parse("100.64." + (slot / 256) + "." + (slot % 256) + "/32"),
                IpPrefix.parse("fd7a:115c:a1e0::" + Integer.toHexString(slot) + "/128"));
        List<String> tags = random.nextInt(4) == 0 ? randomTags() : List.of();
        return new Node(id, "s" + id, "n" + id, random.nextInt(USERS), null, null, null, addresses, addresses, List.of(),
                null, null, Instant.EPOCH, null, null, tags, false);
    }

    private List<String> randomTags() {
        return random.nextInt(3) == 0 ? List.of() : random.nextBoolean() ? List.of("tag:t" + random.nextInt(30))
                : List.of("tag:t" + random.nextInt(15), "tag:t" + (15 + random.nextInt(15)));
    }

    private String randomPolicy(int rules) {
        StringBuilder sb = new StringBuilder("{\n\"groups\": {\n");
        for (int g = 0; g < 15; g++) {
            sb.append("  \"group:g").append(g).append("\": [");
            for (int m = 0; m < 5; m++) {
                long u = random.nextInt(USERS);
                sb.append(m == 0 ? "" : ", ").append('"').append(login(u)).append(u % 4 == 1 ? "@" : "").append('"');
            }
            sb.append("],\n");
        }
        sb.append("},\n\"hosts\": {\n");
        for (int h = 0; h < 20; h++) {
            int slot = random.nextInt(NODES);
            String v = h % 3 == 0 ? "100.64." + (slot / 256) + "." + (slot % 16 * 16) + "/28"
                    : "100.64." + (slot / 256) + "." + (slot % 256);
            sb.append("  \"h").append(h).append("\": \"").append(v).append("\",\n");
        }
        sb.append("},\n\"tagOwners\": {\n");
        for (int t = 0; t < 30; t++) {
            sb.append("  \"tag:t").append(t).append("\": [],\n");
        }
        sb.append("},\n\"acls\": [\n");
        for (int r = 0; r < rules; r++) {
            boolean self = random.nextInt(10) == 0;
            String proto = switch (random.nextInt(6)) {
                case 0 -> "tcp";
                case 1 -> "udp";
                case 2 -> "icmp";
                default -> null;
            };
            sb.append("  {\"action\": \"accept\", \"src\": [");
            int n = 1 + random.nextInt(3);
            for (int i = 0; i < n; i++) {
                sb.append(i == 0 ? "" : ", ").append('"').append(self ? userSelector() : selector()).append('"');
            }
            sb.append("], ");
            if (proto != null) {
                sb.append("\"proto\": \"").append(proto).append("\", ");
            }
            sb.append("\"dst\": [");
            n = 1 + random.nextInt(3);
            for (int i = 0; i < n; i++) {
                String target = self && i == 0 ? "autogroup:self" : selector();
                if (target.contains(":") && !target.startsWith("tag:") && !target.startsWith("group:")
                        && !target.startsWith("autogroup:")) {
                    target = "[" + target + "]"; // an IPv6 CIDR
                }
                String ports = "icmp".equals(proto) ? "*" : List.of("*", "22", "80-90", "22,443", "53", "5432", "9999")
                        .get(random.nextInt(7));
                sb.append(i == 0 ? "" : ", ").append('"').append(target).append(':').append(ports).append('"');
            }
            sb.append("]},\n");
        }
        return sb.append("],\n}\n").toString();
    }

    private String userSelector() {
        return switch (random.nextInt(3)) {
            case 0 -> "group:g" + random.nextInt(15);
            case 1 -> "autogroup:member";
            default -> login(random.nextInt(USERS));
        };
    }

    private String selector() {
        return switch (random.nextInt(12)) {
            case 0 -> random.nextInt(4) == 0 ? "*" : "autogroup:tagged";
            case 1 -> "autogroup:member";
            case 2, 3 -> "group:g" + random.nextInt(15);
            case 4, 5, 6 -> "tag:t" + random.nextInt(30);
            case 7 -> "h" + random.nextInt(20);
            case 8 -> "100.64." + random.nextInt(8) + ".0/24";
            case 9 -> "fd7a:115c:a1e0::" + Integer.toHexString(random.nextInt(8) * 256) + "/120";
            default -> login(random.nextInt(USERS)) + (random.nextInt(4) == 0 ? "@" : "");
        };
    }
}
