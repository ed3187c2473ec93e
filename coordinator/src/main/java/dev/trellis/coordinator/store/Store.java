package dev.trellis.coordinator.store;

import dev.trellis.protocol.key.MachinePublicKey;
import dev.trellis.protocol.key.NodePublicKey;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The coordinator's durable state. Every method is one transaction: when it returns, its writes
 * are committed and survive a crash; when it throws, nothing of it was written. Every allocation
 * (node addresses and names, one-shot pre-auth key use, auth request completion, the control key)
 * is correct when several threads, or several coordinator processes sharing one PostgreSQL
 * database, call at once.
 *
 * <p>Methods are thread-safe. Instants are stored to the millisecond; returned records carry the
 * stored values. Unless said otherwise, methods that take an id of a row that does not exist
 * throw {@link StoreNotFoundException}; database failures throw {@link StoreException}; invalid
 * arguments throw {@link IllegalArgumentException}.
 */
public interface Store extends AutoCloseable {

    // ---- users

    /** @throws StoreConflictException if the name, or the (provider, subject) pair, exists */
    User createUser(NewUser user);

    Optional<User> userById(long id);

    Optional<User> userByName(String name);

    Optional<User> userByProviderSubject(String provider, String subject);

    /** All users, by id. */
    List<User> listUsers();

    /**
     * Deletes a user and their pre-auth keys and auth requests; false if there was none.
     *
     * @throws StoreConflictException while the user still owns nodes
     */
    boolean deleteUser(long id);

    // ---- pre-auth keys

    /**
     * A new key for a user; the returned text is the only copy of the secret.
     *
     * @param expiration null for never
     */
    IssuedPreAuthKey createPreAuthKey(long userId, boolean reusable, boolean ephemeral, Instant expiration,
            List<String> tags);

    Optional<PreAuthKey> preAuthKeyByPrefix(String prefix);

    /** All keys, by id. */
    List<PreAuthKey> listPreAuthKeys();

    /** One user's keys, by id. */
    List<PreAuthKey> listPreAuthKeys(long userId);

    /** Makes the key expire at {@code now}, unless it already expired earlier. */
    PreAuthKey expirePreAuthKey(long id, Instant now);

    /**
     * Checks a presented key (prefix and SHA-256 of the secret, see {@link Secrets}) and, if it
     * may be used, records the use: a one-shot key is accepted exactly once, however many callers
     * race.
     */
    PreAuthKeyUse consumePreAuthKey(String prefix, byte[] secretHash, Instant now);

    // ---- nodes

    /**
     * Registers a device. If a node with the machine key exists, its node key, disco key, host
     * name, host info, endpoints, key expiry, user, tags and ephemeral flag are replaced, and its
     * id, stable id, addresses and name stay. Otherwise a node is created with the next free
     * address pair and a unique name derived from the host name. A pre-auth key is consumed in
     * the same transaction: if the registration fails, the key is not used up.
     *
     * @throws PreAuthKeyRefusedException if the pre-auth key may not be used
     * @throws StoreNotFoundException     if the logged-in user does not exist
     * @throws StoreConflictException     if another machine holds the node key
     */
    Node registerNode(NodeRegistration registration);

    Optional<Node> nodeById(long id);

    Optional<Node> nodeByMachineKey(MachinePublicKey machineKey);

    Optional<Node> nodeByNodeKey(NodePublicKey nodeKey);

    /** All nodes, by id. */
    List<Node> listNodes();

    /** Replaces what a connected node reports about itself. {@code hostinfoJson} and {@code discoKey} may be null. */
    Node updateEndpoints(long id, List<String> endpoints, String hostinfoJson, String discoKey);

    void touchLastSeen(long id, Instant seen);

    /**
     * Gives the node a new DNS name (lowercased).
     *
     * @throws IllegalArgumentException if it is not a DNS label
     * @throws StoreConflictException   if another node has that name
     */
    Node renameNode(long id, String newName);

    /** @param expiry null for never */
    Node setKeyExpiry(long id, Instant expiry);

    Node setTags(long id, List<String> tags);

    /** False if there was no such node. */
    boolean deleteNode(long id);

    /**
     * Deletes ephemeral nodes last seen before {@code cutoff} (or, never seen, created before it).
     *
     * @return the deleted nodes' ids, ascending
     */
    List<Long> deleteEphemeralOfflineBefore(Instant cutoff);

    // ---- interactive logins

    /** A new pending login with a random id (the token in the auth URL). */
    AuthRequest createAuthRequest(MachinePublicKey machineKey, NodePublicKey nodeKey, String hostname,
            String hostinfoJson, Instant expires);

    Optional<AuthRequest> authRequestById(String id);

    /**
     * Marks a pending, unexpired request as completed by the user. Compare-and-set: exactly one
     * call succeeds, so a replayed auth URL authorizes nothing.
     *
     * @throws StoreNotFoundException if the user does not exist
     */
    AuthCompletion completeAuthRequest(String id, long userId, Instant now);

    /** Deletes requests that expired at or before {@code now}, completed or not; returns how many. */
    int deleteExpiredAuthRequests(Instant now);

    // ---- API keys

    /**
     * A new admin API key; the returned text is the only copy of the secret.
     *
     * @param expiration null for never
     */
    IssuedApiKey createApiKey(Instant expiration);

    Optional<ApiKey> apiKeyByPrefix(String prefix);

    /** All API keys, by id. */
    List<ApiKey> listApiKeys();

    /** False if there was no such key. */
    boolean deleteApiKey(long id);

    /** Records that the key was used at {@code used} (never moves the time backwards). */
    void touchApiKey(long id, Instant used);

    // ---- ACL policy

    /** The policy in force; empty when none was ever set (allow all). */
    Optional<StoredPolicy> currentPolicy();

    /**
     * Saves {@code text} as the new policy in force. The caller has parsed and tested it; the
     * store only keeps it (and the versions before it).
     *
     * @throws IllegalArgumentException if the text is longer than {@link StoredPolicy#MAX_TEXT_BYTES}
     */
    StoredPolicy savePolicy(String text, String author);

    // ---- server state

    /**
     * The coordinator's private key, created on first call from {@code generate}. When processes
     * race, one generated key wins and every caller gets that one.
     */
    byte[] controlPrivateKey(Supplier<byte[]> generate);

    /** Releases the database connections. */
    @Override
    void close();
}
