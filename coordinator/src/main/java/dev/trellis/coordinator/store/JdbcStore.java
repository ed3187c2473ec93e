package dev.trellis.coordinator.store;

import dev.trellis.protocol.key.MachinePublicKey;
import dev.trellis.protocol.key.NodePublicKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@link Store} over JDBC, for SQLite and PostgreSQL alike. Each method is one {@link Database}
 * unit; the SQL lives in the *Rows classes and allocation in {@link NodeRegistrar}.
 */
final class JdbcStore implements Store {
    private static final String CONTROL_KEY = "control_private_key";
    private static final int AUTH_REQUEST_ID_LENGTH = 32;
    private static final int MAX_STATE_VALUE = 4096;

    private final Database db;
    private final Clock clock;

    JdbcStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** For tests that check connection settings. */
    Database database() {
        return db;
    }

    private Instant now() {
        return Columns.stored(clock.instant());
    }

    // ---- users

    @Override
    public User createUser(NewUser u) {
        Checks.notNull(u, "user");
        return db.write("creating user", c -> {
            if (UserRows.byName(c, u.name()).isPresent()) {
                throw new StoreConflictException("a user named '" + u.name() + "' already exists");
            }
            if (u.subject() != null && UserRows.byProviderSubject(c, u.provider(), u.subject()).isPresent()) {
                throw new StoreConflictException("a user for this subject of " + u.provider() + " already exists");
            }
            return UserRows.insert(c, u, now());
        });
    }

    @Override
    public Optional<User> userById(long id) {
        return db.read("reading user", c -> UserRows.byId(c, id));
    }

    @Override
    public Optional<User> userByName(String name) {
        Checks.notNull(name, "name");
        return db.read("reading user", c -> UserRows.byName(c, name));
    }

    @Override
    public Optional<User> userByProviderSubject(String provider, String subject) {
        Checks.notNull(provider, "provider");
        Checks.notNull(subject, "subject");
        return db.read("reading user", c -> UserRows.byProviderSubject(c, provider, subject));
    }

    @Override
    public List<User> listUsers() {
        return db.read("listing users", UserRows::list);
    }

    @Override
    public boolean deleteUser(long id) {
        return db.write("deleting user", c -> {
            long nodes = NodeRows.count(c, "user_id = ?", ps -> ps.setLong(1, id));
            if (nodes > 0) {
                throw new StoreConflictException("user " + id + " still owns " + nodes + " node(s); delete them first");
            }
            return UserRows.delete(c, id);
        });
    }

    // ---- pre-auth keys

    @Override
    public IssuedPreAuthKey createPreAuthKey(long userId, boolean reusable, boolean ephemeral, Instant expiration,
            List<String> tags) {
        List<String> checkedTags = Checks.list(tags, "tags");
        Instant storedExpiration = Columns.stored(expiration);
        // A prefix collision (60 random bits) is retried with a fresh key.
        return db.write("creating pre-auth key", true, c -> {
            requireUser(c, userId);
            Secrets.KeyText key = Secrets.generate(Secrets.Kind.PRE_AUTH);
            PreAuthKey row = PreAuthKeyRows.insert(c, userId, key, reusable, ephemeral, storedExpiration,
                    checkedTags, now());
            return new IssuedPreAuthKey(row, key.text());
        });
    }

    @Override
    public Optional<PreAuthKey> preAuthKeyByPrefix(String prefix) {
        Checks.notNull(prefix, "prefix");
        return db.read("reading pre-auth key", c -> PreAuthKeyRows.byPrefix(c, prefix, ""));
    }

    @Override
    public List<PreAuthKey> listPreAuthKeys() {
        return db.read("listing pre-auth keys", c -> PreAuthKeyRows.list(c, null));
    }

    @Override
    public List<PreAuthKey> listPreAuthKeys(long userId) {
        return db.read("listing pre-auth keys", c -> PreAuthKeyRows.list(c, userId));
    }

    @Override
    public PreAuthKey expirePreAuthKey(long id, Instant now) {
        Checks.notNull(now, "now");
        return db.write("expiring pre-auth key", c -> {
            if (!PreAuthKeyRows.expire(c, id, now)) {
                throw new StoreNotFoundException("no pre-auth key with id " + id);
            }
            return PreAuthKeyRows.byId(c, id).orElseThrow();
        });
    }

    @Override
    public PreAuthKeyUse consumePreAuthKey(String prefix, byte[] secretHash, Instant now) {
        Checks.notNull(prefix, "prefix");
        byte[] hash = Checks.hash(secretHash);
        Checks.notNull(now, "now");
        return db.write("using pre-auth key", c -> PreAuthKeyRows.consume(c, db.dialect(), prefix, hash, now));
    }

    // ---- nodes

    @Override
    public Node registerNode(NodeRegistration registration) {
        Checks.notNull(registration, "registration");
        // Unique violations mean another process allocated the same name or address between our
        // reads and our insert (possible only if it skipped the allocator lock): retry afresh.
        return db.write("registering node", true,
                c -> NodeRegistrar.register(c, db.dialect(), registration, now()));
    }

    @Override
    public Optional<Node> nodeById(long id) {
        return db.read("reading node", c -> NodeRows.byId(c, id));
    }

    @Override
    public Optional<Node> nodeByMachineKey(MachinePublicKey machineKey) {
        Checks.notNull(machineKey, "machine key");
        return db.read("reading node", c -> NodeRows.byMachineKey(c, machineKey));
    }

    @Override
    public Optional<Node> nodeByNodeKey(NodePublicKey nodeKey) {
        Checks.notNull(nodeKey, "node key");
        return db.read("reading node", c -> NodeRows.byNodeKey(c, nodeKey));
    }

    @Override
    public List<Node> listNodes() {
        return db.read("listing nodes", NodeRows::list);
    }

    @Override
    public Node updateEndpoints(long id, List<String> endpoints, String hostinfoJson, String discoKey) {
        String json = Columns.json(Checks.list(endpoints, "endpoints"));
        Checks.optionalText(hostinfoJson, "hostinfo", Checks.MAX_HOSTINFO);
        Checks.optionalText(discoKey, "disco key", Checks.MAX_NAME);
        return updateNode(id, "updating node endpoints", "endpoints = ?, hostinfo = ?, disco_key = ? WHERE id = ?",
                ps -> {
                    ps.setString(1, json);
                    ps.setString(2, hostinfoJson);
                    ps.setString(3, discoKey);
                    ps.setLong(4, id);
                });
    }

    @Override
    public void touchLastSeen(long id, Instant seen) {
        Checks.notNull(seen, "seen");
        db.write("recording node last seen", c -> {
            if (NodeRows.update(c, "last_seen = ? WHERE id = ?", ps -> {
                Columns.setInstant(ps, 1, seen);
                ps.setLong(2, id);
            }) == 0) {
                throw noNode(id);
            }
            return null;
        });
    }

    @Override
    public Node renameNode(long id, String newName) {
        String name = NodeNames.normalize(newName);
        return db.write("renaming node", c -> {
            // Same lock as registration, so a rename and a registration can't pick one name.
            NodeRegistrar.lockAllocator(c, db.dialect());
            Optional<Node> holder = NodeRows.byName(c, name);
            if (holder.isPresent() && holder.get().id() != id) {
                throw new StoreConflictException("the name '" + name + "' is taken by node " + holder.get().id());
            }
            if (NodeRows.update(c, "name = ? WHERE id = ?", ps -> {
                ps.setString(1, name);
                ps.setLong(2, id);
            }) == 0) {
                throw noNode(id);
            }
            return NodeRows.byId(c, id).orElseThrow();
        });
    }

    @Override
    public Node setKeyExpiry(long id, Instant expiry) {
        return updateNode(id, "setting node key expiry", "key_expiry = ? WHERE id = ?", ps -> {
            Columns.setInstant(ps, 1, expiry);
            ps.setLong(2, id);
        });
    }

    @Override
    public Node setTags(long id, List<String> tags) {
        String json = Columns.json(Checks.list(tags, "tags"));
        return updateNode(id, "setting node tags", "tags = ? WHERE id = ?", ps -> {
            ps.setString(1, json);
            ps.setLong(2, id);
        });
    }

    private Node updateNode(long id, String what, String assignments, NodeRows.Binder binder) {
        return db.write(what, c -> {
            if (NodeRows.update(c, assignments, binder) == 0) {
                throw noNode(id);
            }
            return NodeRows.byId(c, id).orElseThrow();
        });
    }

    @Override
    public boolean deleteNode(long id) {
        return db.write("deleting node", c -> !NodeRows.deleteWhere(c, "id = ?", ps -> ps.setLong(1, id)).isEmpty());
    }

    @Override
    public List<Long> deleteEphemeralOfflineBefore(Instant cutoff) {
        Checks.notNull(cutoff, "cutoff");
        return db.write("deleting offline ephemeral nodes", c -> NodeRows.deleteWhere(c,
                "ephemeral = ? AND COALESCE(last_seen, created) < ?", ps -> {
                    ps.setBoolean(1, true);
                    Columns.setInstant(ps, 2, cutoff);
                }));
    }

    // ---- interactive logins

    @Override
    public AuthRequest createAuthRequest(MachinePublicKey machineKey, NodePublicKey nodeKey, String hostname,
            String hostinfoJson, Instant expires) {
        Checks.notNull(expires, "expires");
        return db.write("creating auth request", true, c -> {
            AuthRequest request = new AuthRequest(Secrets.randomToken(AUTH_REQUEST_ID_LENGTH), machineKey, nodeKey,
                    hostname, hostinfoJson, now(), Columns.stored(expires), null, null);
            AuthRequestRows.insert(c, request);
            return request;
        });
    }

    @Override
    public Optional<AuthRequest> authRequestById(String id) {
        Checks.notNull(id, "id");
        return db.read("reading auth request", c -> AuthRequestRows.byId(c, id));
    }

    @Override
    public AuthCompletion completeAuthRequest(String id, long userId, Instant now) {
        Checks.notNull(id, "id");
        Checks.notNull(now, "now");
        return db.write("completing auth request", c -> {
            requireUser(c, userId);
            boolean won = AuthRequestRows.complete(c, id, userId, now);
            Optional<AuthRequest> request = AuthRequestRows.byId(c, id);
            if (won) {
                return new AuthCompletion(AuthCompletion.Status.COMPLETED, request.orElseThrow());
            }
            AuthCompletion.Status why = request.isEmpty() ? AuthCompletion.Status.NOT_FOUND
                    : request.get().isCompleted() ? AuthCompletion.Status.ALREADY_COMPLETED
                    : AuthCompletion.Status.EXPIRED;
            return new AuthCompletion(why, null);
        });
    }

    @Override
    public int deleteExpiredAuthRequests(Instant now) {
        Checks.notNull(now, "now");
        return db.write("deleting expired auth requests", c -> AuthRequestRows.deleteExpired(c, now));
    }

    // ---- API keys

    @Override
    public IssuedApiKey createApiKey(Instant expiration) {
        Instant storedExpiration = Columns.stored(expiration);
        return db.write("creating API key", true, c -> {
            Secrets.KeyText key = Secrets.generate(Secrets.Kind.API);
            return new IssuedApiKey(ApiKeyRows.insert(c, key, now(), storedExpiration), key.text());
        });
    }

    @Override
    public Optional<ApiKey> apiKeyByPrefix(String prefix) {
        Checks.notNull(prefix, "prefix");
        return db.read("reading API key", c -> ApiKeyRows.byPrefix(c, prefix));
    }

    @Override
    public List<ApiKey> listApiKeys() {
        return db.read("listing API keys", ApiKeyRows::list);
    }

    @Override
    public boolean deleteApiKey(long id) {
        return db.write("deleting API key", c -> ApiKeyRows.delete(c, id));
    }

    @Override
    public void touchApiKey(long id, Instant used) {
        Checks.notNull(used, "used");
        db.write("recording API key use", c -> {
            if (!ApiKeyRows.touch(c, id, used)) {
                throw new StoreNotFoundException("no API key with id " + id);
            }
            return null;
        });
    }

    // ---- server state

    // ---- ACL policy

    @Override
    public Optional<StoredPolicy> currentPolicy() {
        return db.read("reading policy", PolicyRows::current);
    }

    @Override
    public StoredPolicy savePolicy(String text, String author) {
        Checks.notNull(text, "text");
        if (text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > StoredPolicy.MAX_TEXT_BYTES) {
            throw new IllegalArgumentException("the policy is larger than " + StoredPolicy.MAX_TEXT_BYTES + " bytes");
        }
        Checks.text(author, "author", Checks.MAX_NAME);
        return db.write("saving policy", c -> PolicyRows.insert(c, text, author, now()));
    }

    // ---- server state

    @Override
    public byte[] controlPrivateKey(Supplier<byte[]> generate) {
        Checks.notNull(generate, "generate");
        Optional<byte[]> stored = db.read("reading control key", c -> state(c, CONTROL_KEY));
        if (stored.isPresent()) {
            return stored.get();
        }
        byte[] fresh = generate.get();
        if (fresh == null || fresh.length == 0 || fresh.length > MAX_STATE_VALUE) {
            throw new IllegalArgumentException("the generated control key must be 1.." + MAX_STATE_VALUE + " bytes");
        }
        // Insert-if-absent, then read: a process that lost the race reads the winner's key.
        return db.write("storing control key", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO server_state (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING")) {
                ps.setString(1, CONTROL_KEY);
                ps.setBytes(2, fresh);
                ps.executeUpdate();
            }
            return state(c, CONTROL_KEY).orElseThrow();
        });
    }

    private static Optional<byte[]> state(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT value FROM server_state WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
            }
        }
    }

    private static void requireUser(Connection c, long userId) throws SQLException {
        if (UserRows.byId(c, userId).isEmpty()) {
            throw new StoreNotFoundException("no user with id " + userId);
        }
    }

    private static StoreNotFoundException noNode(long id) {
        return new StoreNotFoundException("no node with id " + id);
    }

    @Override
    public void close() {
        db.close();
    }
}
