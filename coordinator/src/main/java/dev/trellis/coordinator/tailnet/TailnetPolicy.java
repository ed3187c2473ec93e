package dev.trellis.coordinator.tailnet;

import dev.trellis.coordinator.netmap.NetMapHub;
import dev.trellis.coordinator.netmap.PeerPolicy;
import dev.trellis.coordinator.policy.Explanation;
import dev.trellis.coordinator.policy.Policy;
import dev.trellis.coordinator.policy.PolicyException;
import dev.trellis.coordinator.policy.Subject;
import dev.trellis.coordinator.store.Store;
import dev.trellis.coordinator.store.StoredPolicy;
import dev.trellis.protocol.control.Node;
import dev.trellis.protocol.net.IpPrefix;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The ACL policy in force: read from the store, checked before it is saved (a parse error or a
 * failing test keeps the old one), handed to the map hub, and explained. Several coordinators on
 * one database each hold the same policy: a save anywhere is re-read everywhere.
 */
final class TailnetPolicy {
    private static final System.Logger LOG = System.getLogger("trellis.coordinator.policy");

    /** The outcome of a save: what was stored and what the author should know. */
    record Saved(StoredPolicy stored, List<String> warnings) {}

    private final Store store;
    private final NetMapHub hub;
    /** Null: no policy, everyone may reach everyone. */
    private Policy current;
    private long version;

    TailnetPolicy(Store store, NetMapHub hub) {
        this.store = store;
        this.hub = hub;
    }

    /** Applies the stored policy if it differs from the one in force (at start, and when another coordinator saved one). */
    synchronized void reload() {
        Optional<StoredPolicy> stored = store.currentPolicy();
        if (stored.isEmpty() || stored.get().version() == version) {
            return;
        }
        try {
            install(Policy.parse(stored.get().text()), stored.get().version());
        } catch (PolicyException e) {
            // It passed when it was saved; a newer coordinator may have saved syntax we lack.
            LOG.log(Level.ERROR, "the stored policy (version " + stored.get().version() + ") does not parse here: "
                    + e.getMessage() + "; keeping the policy in force");
        }
    }

    /** Parses, tests and saves {@code text}, then applies it; on any error the old policy stays. */
    synchronized Saved save(String text, String author) throws PolicyException {
        Policy parsed = Policy.parse(text);
        StoredPolicy stored = store.savePolicy(text, author);
        install(parsed, stored.version());
        LOG.log(Level.INFO, "policy version " + stored.version() + " saved by " + author + " is in force");
        return new Saved(stored, parsed.warnings());
    }

    /** Parses and runs the tests of {@code text} without saving it; returns its warnings. */
    static List<String> check(String text) throws PolicyException {
        return Policy.parse(text).warnings();
    }

    synchronized Optional<StoredPolicy> stored() {
        return store.currentPolicy();
    }

    /**
     * Why traffic from {@code src} to {@code dst} is or is not allowed. Each side is a node (by
     * name or address), or anything a policy selector names: a user, a tag, an address.
     */
    synchronized Explanation explain(String src, String dst, OptionalInt port, OptionalInt proto) throws PolicyException {
        Policy p = current;
        if (p == null) {
            return new Explanation(true, List.of(), List.of("no policy is set: every node may reach every other"));
        }
        return p.explain(subject(src, p), subject(dst, p), port, proto);
    }

    /**
     * Tags may be given to nodes only once the policy names them in tagOwners (with no policy,
     * any tag); by a user (a pre-auth key's), only tags the user owns. {@code owner} null: an
     * admin, who may give any tag the policy defines.
     */
    synchronized void checkTags(List<String> tags, String owner) {
        checkTags(current, tags, owner);
    }

    /** {@link #checkTags(List, String)} against the policy stored in {@code store}, for commands that work on the store. */
    static void checkTags(Store store, List<String> tags, String owner) {
        Optional<StoredPolicy> stored = store.currentPolicy();
        if (stored.isEmpty() || tags.isEmpty()) {
            return;
        }
        try {
            checkTags(Policy.parse(stored.get().text()), tags, owner);
        } catch (PolicyException e) {
            // The coordinator refuses to apply it too and keeps the one in force; nothing to check against here.
        }
    }

    private static void checkTags(Policy p, List<String> tags, String owner) {
        if (p == null) {
            return;
        }
        for (String t : tags) {
            if (!p.tagOwners().containsKey(t)) {
                throw new IllegalArgumentException(t + " is not in the policy's tagOwners: add it there first"
                        + " (`trellis-coordinator policy get` shows the policy)");
            }
            if (owner != null && !p.mayOwnTag(owner, t)) {
                throw new IllegalArgumentException(owner + " does not own " + t + ": the policy's tagOwners give it to "
                        + String.join(", ", p.tagOwners().get(t)) + "; add the user there or create the key for an owner");
            }
        }
    }

    private Subject subject(String text, Policy p) throws PolicyException {
        String key = text.strip().toLowerCase(Locale.ROOT);
        for (Node n : hub.nodes()) {
            boolean byName = n.name().equals(key);
            boolean byAddress = n.addresses().stream().anyMatch(a -> addressText(a).equals(key));
            if (byName || byAddress) {
                List<InetAddress> addresses = new ArrayList<>();
                n.addresses().forEach(a -> addresses.add(a.inetAddress()));
                String login = null;
                if (n.tags().isEmpty()) {
                    login = hub.user(n.user()).map(u -> u.loginName()).orElse(null);
                }
                return new Subject(login, n.tags(), addresses);
            }
        }
        return Subject.parse(text.strip(), p);
    }

    private static String addressText(IpPrefix p) {
        return dev.trellis.protocol.net.IpLiterals.format(p.address());
    }

    private void install(Policy p, long v) {
        current = p;
        version = v;
        hub.setPolicy(p == null || p.allowsAll() ? PeerPolicy.allowAll() : new AclPeerPolicy(p));
    }
}
