package dev.trellis.coordinator.tailnet;

import dev.trellis.coordinator.cluster.Change;
import dev.trellis.coordinator.cluster.ChangeBus;
import dev.trellis.coordinator.cluster.LocalChangeBus;
import dev.trellis.coordinator.netmap.NetMapHub;
import dev.trellis.coordinator.policy.Explanation;
import dev.trellis.coordinator.policy.PolicyException;
import dev.trellis.coordinator.store.StoredPolicy;
import dev.trellis.coordinator.netmap.PeerPolicy;
import dev.trellis.coordinator.store.AuthCompletion;
import dev.trellis.coordinator.store.AuthRequest;
import dev.trellis.coordinator.store.Node;
import dev.trellis.coordinator.store.NodeRegistration;
import dev.trellis.coordinator.store.PreAuthKeyRefusedException;
import dev.trellis.coordinator.store.Secrets;
import dev.trellis.coordinator.store.Store;
import dev.trellis.coordinator.store.User;
import dev.trellis.protocol.control.DnsConfig;
import dev.trellis.protocol.control.Hostinfo;
import dev.trellis.protocol.control.PeerChange;
import dev.trellis.protocol.control.RegisterRequest;
import dev.trellis.protocol.control.RegisterResponse;
import dev.trellis.protocol.key.MachinePublicKey;
import dev.trellis.protocol.key.NodePublicKey;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The network a coordinator serves, and the only writer of its nodes: every change is written
 * to the {@link Store} first and then handed to the {@link NetMapHub}, which fans it out to
 * the nodes it affects. Registration, logins, endpoint updates and admin actions all come
 * through here.
 */
public final class Tailnet implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("trellis.coordinator.tailnet");
    /** How often a waiting login also polls the store (another coordinator may complete it). */
    private static final Duration LOGIN_POLL = Duration.ofSeconds(1);
    /** How long after a login completes its node may take to appear in the store. */
    private static final Duration REGISTRATION_GRACE = Duration.ofSeconds(10);

    private final Store store;
    private final TailnetConfig config;
    private final Clock clock;
    private final NetMapHub hub;
    private final LoginWaiters waiters = new LoginWaiters();
    private final ConcurrentHashMap<Long, Instant> offlineSince = new ConcurrentHashMap<>();
    /** Set once closing: streams ending now are the shutdown, not nodes going offline. */
    private volatile boolean closing;
    private final ChangeBus bus;
    private final Replication replication;
    private final TailnetPolicy policy;
    private final ScheduledExecutorService timers =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("tailnet-timers").factory());

    public Tailnet(Store store, TailnetConfig config, PeerPolicy policy, Clock clock, Duration keepAlive) {
        this(store, config, policy, clock, keepAlive, new LocalChangeBus());
    }

    /**
     * A tailnet whose changes also go to, and come from, the other coordinators on {@code bus}
     * (those sharing the database). The caller owns the bus and closes it after this.
     */
    public Tailnet(Store store, TailnetConfig config, PeerPolicy policy, Clock clock, Duration keepAlive,
            ChangeBus bus) {
        this.store = Objects.requireNonNull(store);
        this.config = Objects.requireNonNull(config);
        this.clock = Objects.requireNonNull(clock);
        this.bus = Objects.requireNonNull(bus);
        this.hub = new NetMapHub(policy, new DnsConfig(config.domain(), null, null), clock, keepAlive, new Presence());
        this.policy = new TailnetPolicy(store, hub);
        this.replication = new Replication(store, hub, clock, new Replication.Target() {
            @Override
            public void reloadPolicy() {
                loadPolicy();
            }

            @Override
            public void forget(long nodeId) {
                offlineSince.remove(nodeId);
            }
        });
    }

    /** Loads every node into the hub and starts the expiry and clean-up timers. */
    public void start() {
        // Subscribe first: a change another coordinator commits during the load is then
        // re-read once more, never missed.
        bus.subscribe(replication);
        Instant now = clock.instant();
        store.listUsers().forEach(u -> hub.putUser(NodeViews.profile(u)));
        hub.load(store.listNodes().stream().map(n -> NodeViews.view(n, now)).toList());
        loadPolicy();
        // Nobody is connected here yet; with other coordinators, wait for their announcements
        // before counting an ephemeral node as gone.
        Instant assumedOffline = bus instanceof LocalChangeBus ? now : now.plus(Replication.ANNOUNCE_EVERY).plusSeconds(5);
        for (Node n : store.listNodes()) {
            if (n.ephemeral()) {
                offlineSince.put(n.id(), assumedOffline);
            }
        }
        timers.scheduleWithFixedDelay(this::sweep, 1, 1, TimeUnit.SECONDS);
        if (!(bus instanceof LocalChangeBus)) {
            long every = Replication.ANNOUNCE_EVERY.toMillis();
            timers.scheduleWithFixedDelay(() -> {
                try {
                    replication.announce(bus);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "announcing this coordinator's nodes failed; retrying", e);
                }
            }, every, every, TimeUnit.MILLISECONDS);
        }
    }

    /** Reads the policy in force from the store and applies it, if it changed; see {@link #setPolicy}. */
    private void loadPolicy() {
        policy.reload();
    }

    // ---- ACL policy

    /** The policy in force, as saved; empty when none is set (everyone may reach everyone). */
    public Optional<StoredPolicy> policy() {
        return policy.stored();
    }

    /**
     * Makes {@code text} the policy: parsed, its tests run, saved, and applied to every node
     * here and (through the change bus) at the other coordinators. Returns what was saved and
     * the policy's warnings.
     *
     * @throws PolicyException it does not parse or a test fails (with line and column); the
     *     policy in force stays
     */
    public PolicySaved setPolicy(String text, String author) throws PolicyException {
        TailnetPolicy.Saved saved = policy.save(text, author);
        bus.publish(new Change.PolicyChanged());
        return new PolicySaved(saved.stored(), saved.warnings());
    }

    /** What {@link #setPolicy} saved, and the warnings its author should read. */
    public record PolicySaved(StoredPolicy stored, List<String> warnings) {}

    /** Checks {@code text} as {@link #setPolicy} would, saving nothing; returns its warnings. */
    public static List<String> checkPolicy(String text) throws PolicyException {
        return TailnetPolicy.check(text);
    }

    /** Which rule lets {@code src} reach {@code dst} (node names, addresses, users, tags), or why none does. */
    public Explanation explain(String src, String dst, OptionalInt port, OptionalInt proto) throws PolicyException {
        return policy.explain(src, dst, port, proto);
    }

    /**
     * Refuses tags the policy does not define, or that {@code owner} (a user's login, or null for
     * an admin) does not own (see {@link TailnetPolicy#checkTags}).
     */
    public void checkTags(List<String> tags, String owner) {
        policy.checkTags(tags, owner);
    }

    /** The same check against the policy saved in {@code store}, for commands that work on the store directly. */
    public static void checkTags(Store store, List<String> tags, String owner) {
        TailnetPolicy.checkTags(store, tags, owner);
    }

    public NetMapHub hub() {
        return hub;
    }

    public Store store() {
        return store;
    }

    public TailnetConfig config() {
        return config;
    }

    // ---- registration

    /**
     * Answers a node's registration (see docs/control-protocol.md). May block while a
     * followup waits for its user to log in; never longer than the auth URL is valid.
     */
    public RegisterResponse register(MachinePublicKey machine, RegisterRequest req) throws InterruptedException {
        Instant now = clock.instant();
        if (req.nodeKey() == null || req.nodeKey().isZero()) {
            return refuse(req, "the registration names no node key");
        }
        Optional<Node> existing = store.nodeByMachineKey(machine);
        if (req.logout()) {
            return logout(req, existing, now);
        }
        if (req.authKey() != null) {
            return registerWithKey(machine, req, now);
        }
        if (existing.isPresent() && existing.get().nodeKey().equals(req.nodeKey())) {
            Node n = existing.get();
            if (n.keyExpiredAt(now)) {
                return new RegisterResponse(req.id(), null, false, true, null, n.keyExpiry(),
                        null);
            }
            return authorized(req, n);
        }
        if (req.followup() != null) {
            return awaitLogin(machine, req);
        }
        AuthRequest login = store.createAuthRequest(machine, req.nodeKey(), hostname(req.hostinfo()),
                NodeViews.hostinfoJson(req.hostinfo()), now.plus(config.loginTimeout()));
        return new RegisterResponse(req.id(), null, false, false, config.authUrl(login.id()), null, null);
    }

    private RegisterResponse registerWithKey(MachinePublicKey machine, RegisterRequest req, Instant now) {
        Secrets.KeyText key;
        try {
            key = Secrets.parse(Secrets.Kind.PRE_AUTH, req.authKey());
        } catch (IllegalArgumentException e) {
            return refuse(req, "the pre-auth key is malformed: copy it again from "
                    + "`trellis-coordinator preauthkeys create`");
        }
        try {
            Node n = store.registerNode(new NodeRegistration(machine, req.nodeKey(), null, hostname(req.hostinfo()),
                    NodeViews.hostinfoJson(req.hostinfo()), List.of(), expiryFrom(now),
                    NodeRegistration.WithPreAuthKey.of(key)));
            published(n);
            LOG.log(Level.INFO, "node " + n.name() + " (" + n.id() + ") registered with a pre-auth key");
            return authorized(req, n);
        } catch (PreAuthKeyRefusedException e) {
            return refuse(req, "pre-auth key refused: " + e.reason().description()
                    + "; create a new one with `trellis-coordinator preauthkeys create`");
        }
    }

    private RegisterResponse logout(RegisterRequest req, Optional<Node> existing, Instant now) {
        if (existing.isEmpty() || !existing.get().nodeKey().equals(req.nodeKey())) {
            return new RegisterResponse(req.id(), null, false, true, null, null, null);
        }
        Node n = existing.get();
        if (n.ephemeral()) {
            deleteNode(n.id());
        } else {
            published(store.setKeyExpiry(n.id(), now));
        }
        LOG.log(Level.INFO, "node " + n.name() + " (" + n.id() + ") logged out");
        return new RegisterResponse(req.id(), null, false, true, null, now, null);
    }

    private RegisterResponse awaitLogin(MachinePublicKey machine, RegisterRequest req) throws InterruptedException {
        String id = config.requestIdOf(req.followup());
        if (id == null) {
            return refuse(req, "the login URL is not one this coordinator issued: run `trellis login` again");
        }
        while (true) {
            Optional<AuthRequest> login = store.authRequestById(id);
            if (login.isEmpty() || !login.get().machineKey().equals(machine)
                    || !login.get().nodeKey().equals(req.nodeKey())) {
                return refuse(req, "unknown login request: run `trellis login` again");
            }
            AuthRequest r = login.get();
            if (r.isCompleted()) {
                Optional<Node> n = store.nodeByNodeKey(req.nodeKey());
                if (n.isPresent() && n.get().machineKey().equals(machine)) {
                    return authorized(req, n.get());
                }
                // completeLogin marks the request, then registers the node in a second
                // transaction: give that a moment before calling the login failed.
                if (clock.instant().isBefore(r.completed().plus(REGISTRATION_GRACE))) {
                    waiters.await(id, Duration.ofMillis(50));
                    continue;
                }
                return refuse(req, "the login completed but the node was not registered: run `trellis login` again");
            }
            if (r.expiredAt(clock.instant())) {
                return refuse(req, "the login URL expired before anyone logged in: run `trellis login` again");
            }
            waiters.await(id, LOGIN_POLL);
        }
    }

    /**
     * A user logged in at the auth URL of request {@code requestId}: authorizes its node. A
     * request completes once; a replayed URL authorizes nothing.
     */
    public AuthCompletion.Status completeLogin(String requestId, User user) {
        AuthCompletion c = store.completeAuthRequest(requestId, user.id(), clock.instant());
        if (!c.completed()) {
            return c.status();
        }
        AuthRequest r = c.request();
        hub.putUser(NodeViews.profile(user));
        Node n = store.registerNode(new NodeRegistration(r.machineKey(), r.nodeKey(), null, r.hostname(),
                r.hostinfoJson(), List.of(), expiryFrom(clock.instant()),
                new NodeRegistration.UserLogin(user.id(), List.of())));
        published(n);
        LOG.log(Level.INFO, "node " + n.name() + " (" + n.id() + ") logged in as " + user.loginName());
        waiters.wake(requestId);
        return AuthCompletion.Status.COMPLETED;
    }

    // ---- map streams

    /** The node {@code machine} may stream a map for, or why not. */
    public Authorization authorize(MachinePublicKey machine, NodePublicKey nodeKey) {
        Optional<Node> n = store.nodeByMachineKey(machine);
        if (n.isEmpty() || !n.get().nodeKey().equals(nodeKey)) {
            return new Authorization(null, false);
        }
        return new Authorization(n.get(), n.get().keyExpiredAt(clock.instant()));
    }

    /** Result of {@link #authorize}: the node, or null if unknown; and whether its key expired. */
    public record Authorization(Node node, boolean expired) {}

    /**
     * The node reports where it can be reached, its disco key and what it is; stored and
     * patched to peers. A null {@code hostinfo} or {@code discoKey} leaves that part unchanged.
     */
    public void reportEndpoints(Node node, List<String> endpoints, Hostinfo hostinfo, String discoKey) {
        Node current = store.nodeById(node.id()).orElse(null);
        if (current == null) {
            return;
        }
        String hostinfoJson = hostinfo == null ? current.hostinfoJson() : NodeViews.hostinfoJson(hostinfo);
        boolean endpointsChanged = !current.endpoints().equals(endpoints);
        boolean hostinfoChanged = !Objects.equals(hostinfoJson, current.hostinfoJson());
        String disco = discoKey == null ? current.discoKey() : discoKey;
        boolean discoChanged = !Objects.equals(disco, current.discoKey());
        if (!endpointsChanged && !hostinfoChanged && !discoChanged) {
            return;
        }
        Node updated = store.updateEndpoints(node.id(), endpoints, hostinfoJson, disco);
        if (hostinfoChanged || discoChanged) {
            published(updated);
        } else {
            hub.patch(new PeerChange(updated.id(), null, null, updated.endpoints(), null, null, null, null));
            bus.publish(new Change.NodePatched(updated.id()));
        }
    }

    // ---- admin

    public Node rename(long nodeId, String name) {
        Node n = store.renameNode(nodeId, name);
        published(n);
        return n;
    }

    /** Sets a node's key expiry; {@code at} in the past expires it now, null means never. */
    public Node setKeyExpiry(long nodeId, Instant at) {
        Node n = store.setKeyExpiry(nodeId, at);
        published(n);
        return n;
    }

    public Node setTags(long nodeId, List<String> tags) {
        checkTags(tags, null);
        Node n = store.setTags(nodeId, tags);
        published(n);
        return n;
    }

    public boolean deleteNode(long nodeId) {
        boolean deleted = store.deleteNode(nodeId);
        offlineSince.remove(nodeId);
        hub.remove(nodeId);
        if (deleted) {
            bus.publish(new Change.NodeRemoved(nodeId));
        }
        return deleted;
    }

    /** A user was created or changed: peers see the new profile with the user's next node change. */
    public void userChanged(User user) {
        hub.putUser(NodeViews.profile(user));
        bus.publish(new Change.UserChanged(user.id()));
    }

    public boolean isOnline(long nodeId) {
        return hub.isOnline(nodeId);
    }

    // ---- internals

    private void published(Node n) {
        hub.upsert(NodeViews.view(n, clock.instant()));
        bus.publish(new Change.NodeChanged(n.id()));
    }

    private Instant expiryFrom(Instant now) {
        return config.nodeKeyExpiry().isZero() ? null : now.plus(config.nodeKeyExpiry());
    }

    private RegisterResponse authorized(RegisterRequest req, Node n) {
        Optional<User> user = store.userById(n.userId());
        user.ifPresent(u -> hub.putUser(NodeViews.profile(u)));
        return new RegisterResponse(req.id(), user.map(NodeViews::profile).orElse(null), true, false, null,
                n.keyExpiry(), null);
    }

    private static RegisterResponse refuse(RegisterRequest req, String why) {
        return new RegisterResponse(req.id(), null, false, false, null, null, why);
    }

    private static String hostname(Hostinfo h) {
        String name = h == null ? null : h.hostname();
        if (name == null) {
            return "";
        }
        return name.length() > 255 ? name.substring(0, 255) : name;
    }

    /** Once a second: expire keys whose time has come, delete ephemeral nodes gone too long. */
    private void sweep() {
        try {
            Instant now = clock.instant();
            for (var n : hub.nodes()) {
                if (!n.expired() && n.keyExpiry() != null && !n.keyExpiry().isAfter(now)) {
                    store.nodeById(n.id()).ifPresent(this::published);
                }
            }
            Instant cutoff = now.minus(config.ephemeralTimeout());
            for (var e : offlineSince.entrySet()) {
                if (!e.getValue().isAfter(cutoff) && !hub.isOnline(e.getKey())) {
                    store.nodeById(e.getKey()).filter(Node::ephemeral).ifPresent(n -> {
                        LOG.log(Level.INFO, "ephemeral node " + n.name() + " (" + n.id() + ") offline for "
                                + config.ephemeralTimeout().toSeconds() + " s: deleting it");
                        deleteNode(n.id());
                    });
                    offlineSince.remove(e.getKey());
                }
            }
            store.deleteExpiredAuthRequests(now.minus(Duration.ofHours(1)));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "periodic clean-up failed; retrying in a second", e);
        }
    }

    @Override
    public void close() {
        closing = true;
        timers.shutdownNow();
        hub.closeAll();
    }

    /** Online and offline: remembered for last-seen and ephemeral clean-up. */
    private final class Presence implements NetMapHub.Listener {
        @Override
        public void online(long nodeId) {
            offlineSince.remove(nodeId);
            bus.publish(new Change.NodeOnline(nodeId, true, null));
        }

        @Override
        public void offline(long nodeId, Instant lastSeen) {
            if (closing) {
                return;
            }
            bus.publish(new Change.NodeOnline(nodeId, false, lastSeen));
            try {
                store.touchLastSeen(nodeId, lastSeen);
                if (store.nodeById(nodeId).map(Node::ephemeral).orElse(false)) {
                    offlineSince.put(nodeId, lastSeen);
                }
            } catch (RuntimeException e) {
                if (!closing) { // a shutdown racing a node's departure is not worth a warning
                    LOG.log(Level.WARNING, "could not record that node " + nodeId + " went offline", e);
                }
            }
        }
    }
}
