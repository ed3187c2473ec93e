package dev.trellis.bench;

import dev.trellis.coordinator.netmap.MapSession;
import dev.trellis.coordinator.netmap.NetMapHub;
import dev.trellis.coordinator.netmap.PeerPolicy;
import dev.trellis.coordinator.policy.Policy;
import dev.trellis.coordinator.tailnet.AclPeerPolicy;
import dev.trellis.protocol.control.DnsConfig;
import dev.trellis.protocol.control.Hostinfo;
import dev.trellis.protocol.control.Node;
import dev.trellis.protocol.control.PreparedMapResponse;
import dev.trellis.protocol.control.UserProfile;
import dev.trellis.protocol.key.NodePrivateKey;
import dev.trellis.protocol.net.IpPrefix;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The ACL policy at scale, in one JVM: {@code N} nodes (users, groups, tags) with map streams
 * open on a real {@link NetMapHub}, once with no policy (allow all) and once with a generated
 * policy of {@code R} rules, side by side in the same run. For each change (a node re-tagged, a
 * node joining, the policy edited) it measures the time the change costs the caller (the hub's
 * policy evaluation and fan-out bookkeeping) and the time until every affected stream has sent
 * its delta (encoded, as a control connection would), p50 and p99 over the changes. The
 * streams' sinks encode every delta and drop it: no network, so this is the coordinator's own
 * cost. Prints key=value lines ({@code allow_…}, {@code policy_…}); progress on stderr.
 *
 * <pre>java -cp … dev.trellis.bench.PolicyLoad [nodes=10000] [rules=500] [changes=20] [seed=1]</pre>
 */
public final class PolicyLoad {
    private static final Duration QUIET = Duration.ofMillis(400);

    private final int nodeCount;
    private final int ruleCount;
    private final int changes;
    private final Random random;
    private final int users;
    private final int groups;
    private final int tags;
    private final List<Node> nodes = new ArrayList<>();

    private PolicyLoad(int nodeCount, int ruleCount, int changes, long seed) {
        this.nodeCount = nodeCount;
        this.ruleCount = ruleCount;
        this.changes = changes;
        this.random = new Random(seed);
        this.users = Math.max(2, nodeCount / 20);
        this.groups = Math.max(2, users / 10);
        this.tags = Math.max(2, Math.min(100, nodeCount / 100));
    }

    public static void main(String[] args) throws Exception {
        int n = 10_000;
        int r = 500;
        int c = 20;
        long seed = 1;
        for (String a : args) {
            String[] kv = a.split("=", 2);
            switch (kv[0]) {
                case "nodes" -> n = Integer.parseInt(kv[1]);
                case "rules" -> r = Integer.parseInt(kv[1]);
                case "changes" -> c = Integer.parseInt(kv[1]);
                case "seed" -> seed = Long.parseLong(kv[1]);
                default -> throw new IllegalArgumentException("unknown argument " + a
                        + " (nodes=N rules=R changes=C seed=S)");
            }
        }
        new PolicyLoad(n, r, c, seed).run();
    }

    private void run() throws Exception {
        for (int i = 1; i <= nodeCount; i++) {
            nodes.add(node(i));
        }
        String text = policyText();
        long t0 = System.nanoTime();
        Policy policy = Policy.parse(text);
        long parseMs = ms(System.nanoTime() - t0);
        out("policy_text_bytes", text.length());
        out("policy_parse_ms", parseMs);
        out("nodes", nodeCount);
        out("rules", ruleCount);

        measure("allow", PeerPolicy.allowAll(), null);
        measure("policy", new AclPeerPolicy(policy), text);
    }

    /** One hub with every node streaming, then the changes. */
    private void measure(String label, PeerPolicy peerPolicy, String policyText) throws Exception {
        say(label + ": loading " + nodeCount + " nodes");
        NetMapHub hub = new NetMapHub(peerPolicy, new DnsConfig("bench.test", null, null), Clock.systemUTC(),
                Duration.ofHours(1), new NetMapHub.Listener() {
                    @Override
                    public void online(long nodeId) {}

                    @Override
                    public void offline(long nodeId, Instant lastSeen) {}
                });
        for (int u = 1; u <= users; u++) {
            hub.putUser(new UserProfile(u, login(u), "User " + u));
        }
        long t0 = System.nanoTime();
        hub.load(nodes);
        out(label + "_load_ms", ms(System.nanoTime() - t0));

        Sink[] sinks = new Sink[nodeCount + changes + 1];
        long opened = System.nanoTime();
        for (int i = 1; i <= nodeCount; i++) {
            sinks[i] = new Sink();
            hub.open(i, 1, sinks[i]).orElseThrow();
        }
        out(label + "_open_all_ms", ms(System.nanoTime() - opened));
        awaitQuiet(sinks, opened);
        say(label + ": " + nodeCount + " streams open");
        long peers = 0;
        for (int i = 1; i <= nodeCount; i++) {
            peers += sinks[i].awaitFull();
        }
        out(label + "_visible_peers_avg", peers / nodeCount);

        List<List<Long>> callerNanos = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        List<List<Long>> lastArrival = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        List<List<Long>> affected = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        long nextId = nodeCount + 1;
        for (int k = 0; k < changes; k++) {
            int kind = k % 3;
            long mark = System.nanoTime();
            for (int i = 1; i < sinks.length; i++) {
                if (sinks[i] != null) {
                    sinks[i].arm(mark);
                }
            }
            long start = System.nanoTime();
            switch (kind) {
                case 0 -> { // a node gets other tags: it moves between rule sets
                    Node n = nodes.get(random.nextInt(nodes.size()));
                    hub.upsert(withTags(n, List.of(tag(random.nextInt(tags)))));
                }
                case 1 -> { // a node joins
                    Node n = node(nextId++);
                    hub.upsert(n);
                }
                default -> { // the policy is edited (one rule's destination changes)
                    if (policyText != null) {
                        String edited = policyText.replaceFirst("\"dst\": \\[\"tag:t\\d+:22\"\\]",
                                "\"dst\": [\"tag:t" + random.nextInt(tags) + ":22\"]");
                        hub.setPolicy(new AclPeerPolicy(Policy.parse(edited)));
                    } else {
                        hub.setPolicy(PeerPolicy.allowAll());
                    }
                }
            }
            callerNanos.get(kind).add(System.nanoTime() - start);
            awaitQuiet(sinks, mark);
            long last = 0;
            long count = 0;
            for (Sink s : sinks) {
                if (s != null && s.firstAfterMark() > 0) {
                    count++;
                    last = Math.max(last, s.firstAfterMark() - mark);
                }
            }
            affected.get(kind).add(count);
            if (count > 0) {
                lastArrival.get(kind).add(last);
            }
            say(label + ": change " + (k + 1) + "/" + changes + " (" + kindName(kind) + "): " + count
                    + " streams, last after " + ms(last) + " ms");
        }
        for (int kind = 0; kind < 3; kind++) {
            if (callerNanos.get(kind).isEmpty()) {
                continue;
            }
            String k = label + "_" + kindName(kind).replace(' ', '_');
            Percentiles caller = new Percentiles(callerNanos.get(kind).stream().mapToLong(Long::longValue).toArray());
            out(k + "_caller_p50_ms", String.format(Locale.ROOT, "%.2f", caller.at(50) / 1e6));
            out(k + "_caller_p99_ms", String.format(Locale.ROOT, "%.2f", caller.at(99) / 1e6));
            if (!lastArrival.get(kind).isEmpty()) {
                Percentiles all = new Percentiles(lastArrival.get(kind).stream().mapToLong(Long::longValue).toArray());
                out(k + "_all_affected_p50_ms", ms(all.at(50)));
                out(k + "_all_affected_p99_ms", ms(all.at(99)));
            }
            Percentiles aff = new Percentiles(affected.get(kind).stream().mapToLong(Long::longValue).toArray());
            out(k + "_affected_streams_p50", aff.at(50));
            out(k + "_affected_streams_max", aff.max());
        }
        hub.closeAll();
    }

    private static String kindName(int kind) {
        return switch (kind) {
            case 0 -> "retag";
            case 1 -> "join";
            default -> "policy edit";
        };
    }

    /**
     * Waits until no stream has sent anything for {@link #QUIET} since {@code since} (a change
     * reaches streams after the hub's batching delay, so the quiet time counts from the change).
     */
    private static void awaitQuiet(Sink[] sinks, long since) throws InterruptedException {
        long quietNanos = QUIET.toNanos();
        while (true) {
            long latest = since;
            for (Sink s : sinks) {
                if (s != null) {
                    latest = Math.max(latest, s.lastSend.get());
                }
            }
            long idle = System.nanoTime() - latest;
            if (idle >= quietNanos) {
                return;
            }
            Thread.sleep(Math.max(1, (quietNanos - idle) / 1_000_000));
        }
    }

    /** A stream's far end: encodes what it is sent (as a control connection would) and notes when. */
    static final class Sink implements MapSession.Sink {
        final AtomicLong lastSend = new AtomicLong();
        private final AtomicLongArray marks = new AtomicLongArray(2); // [mark, first send after it]
        private volatile int fullPeers = -1;

        @Override
        public void send(PreparedMapResponse response) {
            if (response.seq() == 1) {
                fullPeers = response.peers() == null ? 0 : response.peers().size();
            } else {
                response.encode(); // deltas cost their encoding, as on a real connection
            }
            long now = System.nanoTime();
            lastSend.set(now);
            long mark = marks.get(0);
            if (mark != 0 && now > mark) {
                marks.compareAndSet(1, 0, now);
            }
        }

        void arm(long mark) {
            marks.set(1, 0);
            marks.set(0, mark);
        }

        long firstAfterMark() {
            return marks.get(1);
        }

        int awaitFull() {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (fullPeers < 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            return fullPeers;
        }
    }

    // ---- the generated tailnet

    private static String login(int u) {
        return "user" + u + "@bench.test";
    }

    private static String tag(int t) {
        return "tag:t" + t;
    }

    /** 70 % of nodes belong to a user, 30 % are tagged servers. */
    private Node node(long id) {
        int user = 1 + random.nextInt(users);
        List<String> nodeTags = random.nextInt(10) < 3 ? List.of(tag(random.nextInt(tags))) : List.of();
        long index = id;
        String v4 = "100." + (64 + (index >> 16 & 0x3f)) + "." + (index >> 8 & 0xff) + "." + (index & 0xff);
        String v6 = "fd7a:115c:a1e0::" + Long.toHexString(index);
        List<IpPrefix> addrs = List.of(IpPrefix.parse(v4 + "/32"), IpPrefix.parse(v6 + "/128"));
        return new Node(id, "n" + id, "node-" + id, user, NodePrivateKey.generate().publicKey(), null, null, addrs, addrs,
                List.of("198.18.0.1:41641"), null, new Hostinfo("node-" + id, "linux", null, null), Instant.EPOCH, null,
                null, nodeTags, false);
    }

    private static Node withTags(Node n, List<String> t) {
        return new Node(n.id(), n.stableId(), n.name(), n.user(), n.key(), n.keyExpiry(), n.discoKey(), n.addresses(),
                n.allowedIps(), n.endpoints(), n.homeRelay(), n.hostinfo(), n.created(), n.lastSeen(), n.online(), t,
                n.expired());
    }

    /**
     * Groups of users, every tag owned by group g0, and rules of four shapes: a group to a tag's
     * SSH, a user to a tag's web ports, a tag to a tag, a group to a group; and one rule letting
     * members reach their own devices.
     */
    private String policyText() {
        StringBuilder b = new StringBuilder("// generated by dev.trellis.bench.PolicyLoad\n{\n  \"groups\": {\n");
        for (int g = 0; g < groups; g++) {
            b.append("    \"group:g").append(g).append("\": [");
            int members = 5 + random.nextInt(20);
            for (int m = 0; m < members; m++) {
                b.append(m == 0 ? "" : ", ").append('"').append(login(1 + random.nextInt(users))).append('"');
            }
            b.append("],\n");
        }
        b.append("  },\n  \"tagOwners\": {\n");
        for (int t = 0; t < tags; t++) {
            b.append("    \"").append(tag(t)).append("\": [\"group:g0\"],\n");
        }
        b.append("  },\n  \"acls\": [\n");
        b.append("    {\"action\": \"accept\", \"src\": [\"autogroup:member\"], \"dst\": [\"autogroup:self:*\"]},\n");
        for (int r = 0; r < ruleCount; r++) {
            String src;
            String dst;
            switch (r % 4) {
                case 0 -> {
                    src = "group:g" + random.nextInt(groups);
                    dst = tag(random.nextInt(tags)) + ":22";
                }
                case 1 -> {
                    src = login(1 + random.nextInt(users));
                    dst = tag(random.nextInt(tags)) + ":80,443";
                }
                case 2 -> {
                    src = tag(random.nextInt(tags));
                    dst = tag(random.nextInt(tags)) + ":5432";
                }
                default -> {
                    src = "group:g" + random.nextInt(groups);
                    dst = "group:g" + random.nextInt(groups) + ":8080";
                }
            }
            b.append("    {\"action\": \"accept\", \"src\": [\"").append(src).append("\"], \"dst\": [\"").append(dst)
                    .append("\"]},\n");
        }
        b.append("  ],\n}\n");
        return b.toString();
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    private static void out(String key, Object value) {
        System.out.println(key + "=" + value);
    }

    private static void say(String text) {
        System.err.println("[policy-bench] " + text);
    }
}
