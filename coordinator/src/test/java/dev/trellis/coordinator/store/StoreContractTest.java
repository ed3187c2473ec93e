package dev.trellis.coordinator.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trellis.protocol.key.MachinePublicKey;
import dev.trellis.protocol.key.NodePublicKey;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What every {@link Store} backend must do, one operation at a time. Races are in {@link StoreRaceContractTest}. */
abstract class StoreContractTest extends StoreTestBase {

    // ---- users

    @Test
    void createsAndFindsUsers() {
        User alice = store.createUser(NewUser.local("alice", "Alice", "$argon2id$v=19$stub"));
        User bob = store.createUser(NewUser.oidc("https://idp.test", "sub-1", "bob", "Bob", "bob@idp.test"));

        assertThat(alice.id()).isPositive();
        assertThat(alice.created()).isEqualTo(T0);
        assertThat(alice.passwordHash()).isEqualTo("$argon2id$v=19$stub");
        assertThat(alice.toString()).doesNotContain("argon2id");
        assertThat(bob.provider()).isEqualTo("oidc:https://idp.test");
        assertThat(store.userById(alice.id())).contains(alice);
        assertThat(store.userByName("bob")).contains(bob);
        assertThat(store.userByProviderSubject("oidc:https://idp.test", "sub-1")).contains(bob);
        assertThat(store.userByProviderSubject("oidc:https://other.test", "sub-1")).isEmpty();
        assertThat(store.userByName("carol")).isEmpty();
        assertThat(store.listUsers()).containsExactly(alice, bob);
    }

    @Test
    void refusesDuplicateUserNamesAndSubjects() {
        store.createUser(NewUser.local("alice", "Alice", null));
        store.createUser(NewUser.oidc("https://idp.test", "sub-1", "bob", "Bob", "bob@idp.test"));

        assertThatThrownBy(() -> store.createUser(NewUser.local("alice", "Other", null)))
                .isInstanceOf(StoreConflictException.class).hasMessageContaining("alice");
        assertThatThrownBy(() -> store.createUser(NewUser.oidc("https://idp.test", "sub-1", "bob2", "B", "b")))
                .isInstanceOf(StoreConflictException.class).hasMessageContaining("subject");
        // The same subject at another issuer is another person.
        store.createUser(NewUser.oidc("https://other.test", "sub-1", "bob3", "Bob", "bob@other.test"));
        assertThat(store.listUsers()).extracting(User::name).containsExactly("alice", "bob", "bob3");
    }

    @Test
    void deletingAUserIsRefusedWhileItOwnsNodes() {
        User alice = user("alice");
        store.createPreAuthKey(alice.id(), true, false, null, List.of());
        Node node = register(alice, "laptop");

        assertThatThrownBy(() -> store.deleteUser(alice.id()))
                .isInstanceOf(StoreConflictException.class).hasMessageContaining("1 node");
        assertThat(store.userById(alice.id())).isPresent();

        assertThat(store.deleteNode(node.id())).isTrue();
        assertThat(store.deleteUser(alice.id())).isTrue();
        assertThat(store.userById(alice.id())).isEmpty();
        assertThat(store.listPreAuthKeys()).isEmpty();
        assertThat(store.deleteUser(alice.id())).isFalse();
    }

    // ---- pre-auth keys

    @Test
    void preAuthKeyTextIsReturnedOnceAndOnlyItsHashIsStored() throws Exception {
        User alice = user("alice");
        User bob = user("bob");
        IssuedPreAuthKey issued = store.createPreAuthKey(alice.id(), false, true, T0.plus(Duration.ofHours(1)),
                List.of("tag:server"));
        Secrets.KeyText parsed = Secrets.parse(Secrets.Kind.PRE_AUTH, issued.text());
        PreAuthKey key = issued.key();

        assertThat(issued.text()).startsWith("trellis-auth-");
        assertThat(issued.toString()).doesNotContain(parsed.secret());
        assertThat(key.prefix()).isEqualTo(parsed.prefix());
        assertThat(key.secretHash()).isEqualTo(Secrets.hash(parsed.secret()));
        assertThat(key.userId()).isEqualTo(alice.id());
        assertThat(key.reusable()).isFalse();
        assertThat(key.ephemeral()).isTrue();
        assertThat(key.used()).isFalse();
        assertThat(key.expiration()).isEqualTo(T0.plus(Duration.ofHours(1)));
        assertThat(key.tags()).containsExactly("tag:server");
        assertThat(key.created()).isEqualTo(T0);
        assertThat(store.preAuthKeyByPrefix(key.prefix())).contains(key);
        assertThat(store.preAuthKeyByPrefix("aaaaaaaaaaaa")).isEmpty();
        assertThat(store.listPreAuthKeys()).containsExactly(key);
        assertThat(store.listPreAuthKeys(alice.id())).containsExactly(key);
        assertThat(store.listPreAuthKeys(bob.id())).isEmpty();
        assertThat(rowTexts("pre_auth_keys")).noneMatch(text -> text.contains(parsed.secret()));
    }

    @Test
    void preAuthKeyForAMissingUserIsRefused() {
        assertThatThrownBy(() -> store.createPreAuthKey(999, false, false, null, List.of()))
                .isInstanceOf(StoreNotFoundException.class).hasMessageContaining("999");
    }

    @Test
    void consumingAPreAuthKeyChecksSecretExpiryAndUse() {
        User alice = user("alice");
        IssuedPreAuthKey oneShot = store.createPreAuthKey(alice.id(), false, false, null, List.of());
        Secrets.KeyText k = Secrets.parse(Secrets.Kind.PRE_AUTH, oneShot.text());
        byte[] wrong = Secrets.hash("x" + k.secret());

        assertThat(store.consumePreAuthKey("aaaaaaaaaaaa", k.secretHash(), T0).status())
                .isEqualTo(PreAuthKeyUse.Status.NOT_FOUND);
        assertThat(store.consumePreAuthKey(k.prefix(), wrong, T0).status())
                .isEqualTo(PreAuthKeyUse.Status.WRONG_SECRET);
        PreAuthKeyUse use = store.consumePreAuthKey(k.prefix(), k.secretHash(), T0);
        assertThat(use.accepted()).isTrue();
        assertThat(use.key().used()).isTrue();
        assertThat(store.preAuthKeyByPrefix(k.prefix()).orElseThrow().used()).isTrue();
        assertThat(store.consumePreAuthKey(k.prefix(), k.secretHash(), T0).status())
                .isEqualTo(PreAuthKeyUse.Status.USED);
        // Without the secret, nothing about the key's state is revealed.
        assertThat(store.consumePreAuthKey(k.prefix(), wrong, T0).status())
                .isEqualTo(PreAuthKeyUse.Status.WRONG_SECRET);

        Instant expiry = T0.plus(Duration.ofHours(1));
        Secrets.KeyText expiring = Secrets.parse(Secrets.Kind.PRE_AUTH,
                store.createPreAuthKey(alice.id(), true, false, expiry, List.of()).text());
        assertThat(store.consumePreAuthKey(expiring.prefix(), expiring.secretHash(), expiry.minusMillis(1)).accepted())
                .isTrue();
        assertThat(store.consumePreAuthKey(expiring.prefix(), expiring.secretHash(), expiry).status())
                .isEqualTo(PreAuthKeyUse.Status.EXPIRED);

        Secrets.KeyText reusable = Secrets.parse(Secrets.Kind.PRE_AUTH,
                store.createPreAuthKey(alice.id(), true, false, null, List.of()).text());
        for (int i = 0; i < 3; i++) {
            assertThat(store.consumePreAuthKey(reusable.prefix(), reusable.secretHash(), T0).accepted()).isTrue();
        }
    }

    @Test
    void expiringAPreAuthKeyNeverExtendsIt() {
        User alice = user("alice");
        IssuedPreAuthKey issued = store.createPreAuthKey(alice.id(), true, false, null, List.of());
        Secrets.KeyText k = Secrets.parse(Secrets.Kind.PRE_AUTH, issued.text());
        Instant t = T0.plus(Duration.ofMinutes(5));

        assertThat(store.expirePreAuthKey(issued.key().id(), t).expiration()).isEqualTo(t);
        assertThat(store.consumePreAuthKey(k.prefix(), k.secretHash(), t).status())
                .isEqualTo(PreAuthKeyUse.Status.EXPIRED);
        assertThat(store.expirePreAuthKey(issued.key().id(), t.plusSeconds(60)).expiration()).isEqualTo(t);
        assertThatThrownBy(() -> store.expirePreAuthKey(999, t)).isInstanceOf(StoreNotFoundException.class);
    }

    // ---- node registration

    @Test
    void registersANewNode() {
        User alice = user("alice");
        MachinePublicKey machine = machineKey();
        NodeRegistration r = registration(machine, "Alice's MacBook Pro", login(alice));
        Node node = store.registerNode(r);
        Node second = register(alice, "desktop");

        assertThat(node.id()).isPositive();
        assertThat(node.stableId()).matches("n[a-z2-7]{12}");
        assertThat(node.machineKey()).isEqualTo(machine);
        assertThat(node.nodeKey()).isEqualTo(r.nodeKey());
        assertThat(node.discoKey()).isEqualTo("discokey:1");
        assertThat(node.userId()).isEqualTo(alice.id());
        assertThat(node.hostname()).isEqualTo("Alice's MacBook Pro");
        assertThat(node.name()).isEqualTo("alice-s-macbook-pro");
        assertThat(node.ipv4().getHostAddress()).isEqualTo("100.64.0.1");
        assertThat(node.ipv6()).isEqualTo(address("fd7a:115c:a1e0::6440:1"));
        assertThat(node.endpoints()).containsExactly("127.0.0.1:41641");
        assertThat(node.hostinfoJson()).isEqualTo("{\"OS\":\"linux\"}");
        assertThat(node.tags()).isEmpty();
        assertThat(node.ephemeral()).isFalse();
        assertThat(node.preAuthKeyId()).isNull();
        assertThat(node.keyExpiry()).isNull();
        assertThat(node.created()).isEqualTo(T0);
        assertThat(node.lastSeen()).isNull();
        assertThat(second.ipv4().getHostAddress()).isEqualTo("100.64.0.2");
        assertThat(second.ipv6()).isEqualTo(address("fd7a:115c:a1e0::6440:2"));

        assertThat(store.nodeById(node.id())).contains(node);
        assertThat(store.nodeByMachineKey(machine)).contains(node);
        assertThat(store.nodeByNodeKey(r.nodeKey())).contains(node);
        assertThat(store.nodeByMachineKey(machineKey())).isEmpty();
        assertThat(store.nodeById(999)).isEmpty();
        assertThat(store.listNodes()).containsExactly(node, second);
    }

    @Test
    void reRegisteringAMachineKeepsItsIdentity() {
        User alice = user("alice");
        User bob = user("bob");
        MachinePublicKey machine = machineKey();
        Node first = store.registerNode(registration(machine, "laptop", login(alice)));
        register(alice, "desktop");
        clock.advance(Duration.ofHours(1));

        NodePublicKey rotated = nodeKey();
        Instant expiry = T0.plus(Duration.ofDays(180));
        Node again = store.registerNode(new NodeRegistration(machine, rotated, "discokey:2", "new-hostname", "{}",
                List.of("127.0.0.2:1"), expiry, new NodeRegistration.UserLogin(bob.id(), List.of("tag:x"))));

        assertThat(again.id()).isEqualTo(first.id());
        assertThat(again.stableId()).isEqualTo(first.stableId());
        assertThat(again.ipv4()).isEqualTo(first.ipv4());
        assertThat(again.ipv6()).isEqualTo(first.ipv6());
        assertThat(again.name()).isEqualTo("laptop");
        assertThat(again.created()).isEqualTo(T0);
        assertThat(again.nodeKey()).isEqualTo(rotated);
        assertThat(again.discoKey()).isEqualTo("discokey:2");
        assertThat(again.hostname()).isEqualTo("new-hostname");
        assertThat(again.endpoints()).containsExactly("127.0.0.2:1");
        assertThat(again.keyExpiry()).isEqualTo(expiry);
        assertThat(again.userId()).isEqualTo(bob.id());
        assertThat(again.tags()).containsExactly("tag:x");
        assertThat(store.nodeByNodeKey(first.nodeKey())).isEmpty();
        assertThat(store.listNodes()).hasSize(2);
    }

    @Test
    void aNodeKeyHeldByAnotherMachineIsAConflict() {
        User alice = user("alice");
        NodeRegistration a = registration(machineKey(), "a", login(alice));
        store.registerNode(a);
        NodeRegistration b = new NodeRegistration(machineKey(), a.nodeKey(), null, "b", null, List.of(), null,
                login(alice));

        assertThatThrownBy(() -> store.registerNode(b)).isInstanceOf(StoreConflictException.class)
                .hasMessageContaining("another machine");
        assertThat(store.listNodes()).hasSize(1);
    }

    @Test
    void registeringForAMissingUserWritesNothing() {
        assertThatThrownBy(() -> store.registerNode(registration(machineKey(), "x",
                new NodeRegistration.UserLogin(42, List.of())))).isInstanceOf(StoreNotFoundException.class);
        assertThat(store.listNodes()).isEmpty();
    }

    @Test
    void takenNamesGetNumberedSuffixes() {
        User alice = user("alice");
        String longHost = "a".repeat(70);

        assertThat(register(alice, "laptop").name()).isEqualTo("laptop");
        assertThat(register(alice, "Laptop").name()).isEqualTo("laptop-1");
        assertThat(register(alice, "LAPTOP!").name()).isEqualTo("laptop-2");
        assertThat(register(alice, "").name()).isEqualTo("node");
        assertThat(register(alice, "---").name()).isEqualTo("node-1");
        assertThat(register(alice, longHost).name()).isEqualTo("a".repeat(63));
        assertThat(register(alice, longHost).name()).isEqualTo("a".repeat(61) + "-1");
        assertThat(register(alice, longHost).name()).isEqualTo("a".repeat(61) + "-2");
    }

    @Test
    void manyNodesGetUniquePairedAddressesAndUniqueNames() {
        User alice = user("alice");
        int count = 150;
        Set<String> names = new HashSet<>();
        for (int i = 0; i < count; i++) {
            Node node = register(alice, "host-" + (i % 7));
            // Addresses are handed out in order, and the IPv6 address ends in the IPv4 address.
            assertThat(node.ipv4()).isEqualTo(address(Addresses.ipv4Text(Addresses.FIRST + 1 + i)));
            byte[] v6 = node.ipv6().getAddress();
            assertThat(Arrays.copyOfRange(v6, 12, 16)).isEqualTo(node.ipv4().getAddress());
            assertThat(Arrays.copyOfRange(v6, 0, 6))
                    .isEqualTo(new byte[] {(byte) 0xfd, 0x7a, 0x11, 0x5c, (byte) 0xa1, (byte) 0xe0});
            names.add(node.name());
        }
        assertThat(names).hasSize(count).contains("host-0", "host-0-1", "host-6-20");
        assertThat(store.listNodes()).extracting(Node::ipv6).doesNotHaveDuplicates().hasSize(count);
    }

    @Test
    void aDeletedNodesAddressIsNotHandedOutAgainAtOnce() {
        User alice = user("alice");
        register(alice, "a");
        Node b = register(alice, "b");
        store.deleteNode(b.id());

        assertThat(register(alice, "c").ipv4().getHostAddress()).isEqualTo("100.64.0.3");
        assertThat(register(alice, "b").name()).isEqualTo("b");
    }

    @Test
    void allocationSkipsReservedAddressesAndWrapsAround() throws Exception {
        User alice = user("alice");
        Node first = register(alice, "first");
        setAllocatorCursor(Addresses.index(100, 100, 99, 255));
        assertThat(register(alice, "after-service").ipv4().getHostAddress()).isEqualTo("100.100.101.0");
        setAllocatorCursor(Addresses.index(100, 115, 91, 255));
        assertThat(register(alice, "after-chromeos").ipv4().getHostAddress()).isEqualTo("100.115.94.0");
        setAllocatorCursor(Addresses.index(100, 127, 254, 254));
        assertThat(register(alice, "top").ipv4().getHostAddress()).isEqualTo("100.127.254.255");
        // Past the top: wrap to the bottom, skipping 100.64.0.0 and the taken 100.64.0.1.
        assertThat(first.ipv4().getHostAddress()).isEqualTo("100.64.0.1");
        assertThat(register(alice, "wrapped").ipv4().getHostAddress()).isEqualTo("100.64.0.2");
    }

    @Test
    void registeringWithAPreAuthKeyTakesTheKeysUserTagsAndEphemerality() {
        User alice = user("alice");
        IssuedPreAuthKey issued = store.createPreAuthKey(alice.id(), false, true, null, List.of("tag:ci"));
        Node node = store.registerNode(registration(machineKey(), "runner", credential(issued)));

        assertThat(node.userId()).isEqualTo(alice.id());
        assertThat(node.tags()).containsExactly("tag:ci");
        assertThat(node.ephemeral()).isTrue();
        assertThat(node.preAuthKeyId()).isEqualTo(issued.key().id());
        assertThat(store.preAuthKeyByPrefix(issued.key().prefix()).orElseThrow().used()).isTrue();
    }

    @Test
    void aRefusedPreAuthKeyRegistersNothing() {
        User alice = user("alice");
        IssuedPreAuthKey oneShot = store.createPreAuthKey(alice.id(), false, false, null, List.of());
        IssuedPreAuthKey expired = store.createPreAuthKey(alice.id(), true, false, T0, List.of());
        store.registerNode(registration(machineKey(), "first", credential(oneShot)));

        assertThatThrownBy(() -> store.registerNode(registration(machineKey(), "second", credential(oneShot))))
                .isInstanceOfSatisfying(PreAuthKeyRefusedException.class,
                        e -> assertThat(e.reason()).isEqualTo(PreAuthKeyUse.Status.USED))
                .hasMessageNotContaining(oneShot.text());
        assertThatThrownBy(() -> store.registerNode(registration(machineKey(), "third", credential(expired))))
                .isInstanceOfSatisfying(PreAuthKeyRefusedException.class,
                        e -> assertThat(e.reason()).isEqualTo(PreAuthKeyUse.Status.EXPIRED));
        NodeRegistration.WithPreAuthKey wrong = new NodeRegistration.WithPreAuthKey(expired.key().prefix(),
                Secrets.hash("not-the-secret"));
        assertThatThrownBy(() -> store.registerNode(registration(machineKey(), "fourth", wrong)))
                .isInstanceOfSatisfying(PreAuthKeyRefusedException.class,
                        e -> assertThat(e.reason()).isEqualTo(PreAuthKeyUse.Status.WRONG_SECRET));

        assertThat(store.listNodes()).extracting(Node::name).containsExactly("first");
        // No address was used up by the failed attempts.
        assertThat(register(alice, "next").ipv4().getHostAddress()).isEqualTo("100.64.0.2");
    }

    @Test
    void aRegistrationThatFailsLateConsumesNoKey() {
        User alice = user("alice");
        NodeRegistration existing = registration(machineKey(), "existing", login(alice));
        store.registerNode(existing);
        IssuedPreAuthKey oneShot = store.createPreAuthKey(alice.id(), false, false, null, List.of());
        // The key is valid and checked first; the node key clash is found after it was marked used.
        NodeRegistration clash = new NodeRegistration(machineKey(), existing.nodeKey(), null, "clash", null,
                List.of(), null, credential(oneShot));

        assertThatThrownBy(() -> store.registerNode(clash)).isInstanceOf(StoreConflictException.class);
        assertThat(store.preAuthKeyByPrefix(oneShot.key().prefix()).orElseThrow().used()).isFalse();
        assertThat(store.listNodes()).hasSize(1);
        assertThat(store.registerNode(registration(machineKey(), "ok", credential(oneShot))).name()).isEqualTo("ok");
    }

    // ---- node updates

    @Test
    void updatesNodeFields() {
        User alice = user("alice");
        Node node = register(alice, "box");
        Instant seen = T0.plus(Duration.ofMinutes(3));
        Instant expiry = T0.plus(Duration.ofDays(1));

        Node updated = store.updateEndpoints(node.id(), List.of("127.0.0.9:9", "[::1]:9"), null, "discokey:9");
        assertThat(updated.endpoints()).containsExactly("127.0.0.9:9", "[::1]:9");
        assertThat(updated.hostinfoJson()).isNull();
        assertThat(updated.discoKey()).isEqualTo("discokey:9");
        store.touchLastSeen(node.id(), seen);
        assertThat(store.setKeyExpiry(node.id(), expiry).keyExpiry()).isEqualTo(expiry);
        assertThat(store.setTags(node.id(), List.of("tag:a", "tag:b")).tags()).containsExactly("tag:a", "tag:b");

        Node stored = store.nodeById(node.id()).orElseThrow();
        assertThat(stored.lastSeen()).isEqualTo(seen);
        assertThat(stored.keyExpiry()).isEqualTo(expiry);
        assertThat(stored.keyExpiredAt(expiry)).isTrue();
        assertThat(store.setKeyExpiry(node.id(), null).keyExpiry()).isNull();
    }

    @Test
    void renamesNodes() {
        User alice = user("alice");
        Node box = register(alice, "box");
        Node other = register(alice, "other");

        assertThat(store.renameNode(box.id(), "My-Box").name()).isEqualTo("my-box");
        assertThat(store.renameNode(box.id(), "my-box").name()).isEqualTo("my-box");
        assertThatThrownBy(() -> store.renameNode(other.id(), "MY-BOX"))
                .isInstanceOf(StoreConflictException.class).hasMessageContaining("my-box");
        for (String bad : List.of("", "-box", "box-", "a_b", "a.b", "ü", "a".repeat(64))) {
            assertThatThrownBy(() -> store.renameNode(box.id(), bad)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(store.nodeById(box.id()).orElseThrow().name()).isEqualTo("my-box");
        assertThat(register(alice, "box").name()).isEqualTo("box");
    }

    @Test
    void changingAMissingNodeFails() {
        assertThatThrownBy(() -> store.updateEndpoints(999, List.of(), null, null))
                .isInstanceOf(StoreNotFoundException.class).hasMessageContaining("999");
        assertThatThrownBy(() -> store.touchLastSeen(999, T0)).isInstanceOf(StoreNotFoundException.class);
        assertThatThrownBy(() -> store.renameNode(999, "x")).isInstanceOf(StoreNotFoundException.class);
        assertThatThrownBy(() -> store.setKeyExpiry(999, T0)).isInstanceOf(StoreNotFoundException.class);
        assertThatThrownBy(() -> store.setTags(999, List.of())).isInstanceOf(StoreNotFoundException.class);
        assertThat(store.deleteNode(999)).isFalse();
    }

    @Test
    void deletesEphemeralNodesThatStayedOffline() {
        User alice = user("alice");
        IssuedPreAuthKey ephemeral = store.createPreAuthKey(alice.id(), true, true, null, List.of());
        Node neverSeen = store.registerNode(registration(machineKey(), "e1", credential(ephemeral)));
        Node seenLater = store.registerNode(registration(machineKey(), "e2", credential(ephemeral)));
        Node regular = register(alice, "regular");
        store.touchLastSeen(seenLater.id(), T0.plus(Duration.ofMinutes(10)));

        assertThat(store.deleteEphemeralOfflineBefore(T0.plus(Duration.ofMinutes(5))))
                .containsExactly(neverSeen.id());
        assertThat(store.deleteEphemeralOfflineBefore(T0.plus(Duration.ofMinutes(10)))).isEmpty();
        assertThat(store.deleteEphemeralOfflineBefore(T0.plus(Duration.ofMinutes(11))))
                .containsExactly(seenLater.id());
        assertThat(store.listNodes()).containsExactly(regular);
    }

    // ---- auth requests

    @Test
    void anAuthRequestCompletesOnceAndExpires() {
        User alice = user("alice");
        User bob = user("bob");
        Instant expires = T0.plus(Duration.ofMinutes(10));
        AuthRequest r = store.createAuthRequest(machineKey(), nodeKey(), "laptop", "{}", expires);
        AuthRequest late = store.createAuthRequest(machineKey(), nodeKey(), "late", null, expires);

        assertThat(r.id()).matches("[a-z2-7]{32}").isNotEqualTo(late.id());
        assertThat(r.created()).isEqualTo(T0);
        assertThat(r.isCompleted()).isFalse();
        assertThat(r.toString()).doesNotContain(r.id());
        assertThat(store.authRequestById(r.id())).contains(r);
        assertThat(store.authRequestById("nope")).isEmpty();

        AuthCompletion done = store.completeAuthRequest(r.id(), alice.id(), T0.plusSeconds(60));
        assertThat(done.completed()).isTrue();
        assertThat(done.request().completedUserId()).isEqualTo(alice.id());
        assertThat(done.request().completed()).isEqualTo(T0.plusSeconds(60));
        assertThat(store.completeAuthRequest(r.id(), bob.id(), T0.plusSeconds(61)).status())
                .isEqualTo(AuthCompletion.Status.ALREADY_COMPLETED);
        assertThat(store.authRequestById(r.id()).orElseThrow().completedUserId()).isEqualTo(alice.id());
        assertThat(store.completeAuthRequest("nope", alice.id(), T0).status())
                .isEqualTo(AuthCompletion.Status.NOT_FOUND);
        assertThat(store.completeAuthRequest(late.id(), alice.id(), expires).status())
                .isEqualTo(AuthCompletion.Status.EXPIRED);
        assertThatThrownBy(() -> store.completeAuthRequest(late.id(), 999, T0))
                .isInstanceOf(StoreNotFoundException.class);

        assertThat(store.deleteExpiredAuthRequests(expires.minusMillis(1))).isZero();
        assertThat(store.deleteExpiredAuthRequests(expires)).isEqualTo(2);
        assertThat(store.authRequestById(r.id())).isEmpty();
    }

    // ---- API keys

    @Test
    void apiKeys() throws Exception {
        IssuedApiKey issued = store.createApiKey(T0.plus(Duration.ofDays(90)));
        IssuedApiKey forever = store.createApiKey(null);
        Secrets.KeyText parsed = Secrets.parse(Secrets.Kind.API, issued.text());
        ApiKey key = issued.key();

        assertThat(issued.text()).startsWith("trellis-api-");
        assertThat(issued.toString()).doesNotContain(parsed.secret());
        assertThat(key.prefix()).isEqualTo(parsed.prefix());
        assertThat(Secrets.matches(key.secretHash(), parsed.secret())).isTrue();
        assertThat(Secrets.matches(key.secretHash(), parsed.secret() + "x")).isFalse();
        assertThat(key.created()).isEqualTo(T0);
        assertThat(key.lastUsed()).isNull();
        assertThat(forever.key().expiration()).isNull();
        assertThat(store.apiKeyByPrefix(key.prefix())).contains(key);
        assertThat(store.listApiKeys()).containsExactly(key, forever.key());
        assertThat(rowTexts("api_keys")).noneMatch(text -> text.contains(parsed.secret()));

        store.touchApiKey(key.id(), T0.plusSeconds(60));
        store.touchApiKey(key.id(), T0.plusSeconds(30));
        assertThat(store.apiKeyByPrefix(key.prefix()).orElseThrow().lastUsed()).isEqualTo(T0.plusSeconds(60));
        assertThatThrownBy(() -> store.touchApiKey(999, T0)).isInstanceOf(StoreNotFoundException.class);

        assertThat(store.deleteApiKey(key.id())).isTrue();
        assertThat(store.deleteApiKey(key.id())).isFalse();
        assertThat(store.listApiKeys()).containsExactly(forever.key());
    }

    // ---- ACL policy

    @Test
    void policiesAreVersionedAndKeptVerbatim() {
        assertThat(store.currentPolicy()).isEmpty();
        String first = "// first\n{\"acls\": [],}\n";
        StoredPolicy v1 = store.savePolicy(first, "admin-socket");
        StoredPolicy v2 = store.savePolicy("{ /* ö */ }", "api-key:abc");

        assertThat(v2.version()).isGreaterThan(v1.version());
        assertThat(store.currentPolicy()).contains(v2);
        assertThat(open().currentPolicy().orElseThrow().text()).isEqualTo("{ /* ö */ }");
        assertThat(v1.text()).isEqualTo(first);
        assertThat(v1.created()).isEqualTo(T0);
        assertThatThrownBy(() -> store.savePolicy("x".repeat(StoredPolicy.MAX_TEXT_BYTES + 1), "admin-socket"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("larger than");
        assertThat(store.currentPolicy()).contains(v2);
    }

    // ---- server state

    @Test
    void theControlKeyIsGeneratedOnce() {
        AtomicInteger generated = new AtomicInteger();
        byte[] first = store.controlPrivateKey(() -> {
            generated.incrementAndGet();
            return new byte[] {1, 2, 3};
        });
        byte[] second = store.controlPrivateKey(() -> {
            generated.incrementAndGet();
            return new byte[] {4, 5, 6};
        });

        assertThat(first).containsExactly(1, 2, 3);
        assertThat(second).containsExactly(1, 2, 3);
        assertThat(generated).hasValue(1);
        assertThat(open().controlPrivateKey(() -> {
            throw new AssertionError("a stored key must not be generated again");
        })).containsExactly(1, 2, 3);
    }

    // ---- helpers

    private static InetAddress address(String literal) {
        return InetAddress.ofLiteral(literal);
    }

    private void setAllocatorCursor(long index) throws Exception {
        try (Connection c = database.rawConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE allocator SET ip_cursor = ? WHERE id = 1")) {
            ps.setLong(1, index);
            assertThat(ps.executeUpdate()).isOne();
        }
    }

    /** Every column of every row of {@code table}, as text. */
    private List<String> rowTexts(String table) throws Exception {
        try (Connection c = database.rawConnection();
                PreparedStatement ps = c.prepareStatement("SELECT * FROM " + table);
                ResultSet rs = ps.executeQuery()) {
            List<String> texts = new ArrayList<>();
            while (rs.next()) {
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    texts.add(String.valueOf(rs.getString(i)));
                }
            }
            return texts;
        }
    }
}
