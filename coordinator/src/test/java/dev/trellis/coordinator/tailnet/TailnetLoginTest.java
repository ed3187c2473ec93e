package dev.trellis.coordinator.tailnet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.coordinator.netmap.PeerPolicy;
import dev.trellis.coordinator.store.AuthRequest;
import dev.trellis.coordinator.store.NewUser;
import dev.trellis.coordinator.store.NodeRegistration;
import dev.trellis.coordinator.store.Store;
import dev.trellis.coordinator.store.Stores;
import dev.trellis.coordinator.store.User;
import dev.trellis.protocol.control.Hostinfo;
import dev.trellis.protocol.control.RegisterRequest;
import dev.trellis.protocol.control.RegisterResponse;
import dev.trellis.protocol.key.MachinePrivateKey;
import dev.trellis.protocol.key.MachinePublicKey;
import dev.trellis.protocol.key.NodePrivateKey;
import dev.trellis.protocol.key.NodePublicKey;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Interactive login seen from the waiting node's followup. */
class TailnetLoginTest {
    @TempDir
    Path dir;

    private Store store;
    private Tailnet tailnet;

    @BeforeEach
    void start() {
        store = Stores.open(null, dir);
        tailnet = new Tailnet(store, new TailnetConfig(URI.create("http://127.0.0.1:1"), "t", Duration.ofDays(1),
                Duration.ofSeconds(30), Duration.ofMinutes(15)), PeerPolicy.allowAll(), Clock.systemUTC(),
                Duration.ofSeconds(30));
        tailnet.start();
    }

    @AfterEach
    void stop() {
        tailnet.close();
        store.close();
    }

    /**
     * A login is marked complete, then its node is registered in a second transaction; a
     * followup that looks in between must wait for the node, not call the login failed.
     */
    @Test
    void aFollowupBetweenCompletionAndRegistrationWaitsForTheNode() throws Exception {
        MachinePublicKey machine = MachinePrivateKey.generate().publicKey();
        NodePublicKey key = NodePrivateKey.generate().publicKey();
        Hostinfo host = new Hostinfo("laptop", "linux", null, null);
        RegisterResponse first = tailnet.register(machine, new RegisterRequest(1, 1, key, null, null, host, null, false, null));
        String url = first.authUrl();
        String id = url.substring(url.lastIndexOf('/') + 1);
        User alice = store.createUser(NewUser.local("alice", "Alice", null));

        // the first half of completeLogin, by hand
        assertThat(store.completeAuthRequest(id, alice.id(), Instant.now()).completed()).isTrue();
        CompletableFuture<RegisterResponse> followup = CompletableFuture.supplyAsync(() -> {
            try {
                return tailnet.register(machine, new RegisterRequest(2, 1, key, null, null, host, url, false, null));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(300); // the followup has looked and found no node yet
        assertThat(followup).isNotDone();
        AuthRequest r = store.authRequestById(id).orElseThrow();
        store.registerNode(new NodeRegistration(r.machineKey(), r.nodeKey(), null, r.hostname(), r.hostinfoJson(),
                List.of(), null, new NodeRegistration.UserLogin(alice.id(), List.of())));

        RegisterResponse answer = followup.get(5, TimeUnit.SECONDS);
        assertThat(answer.error()).isNull();
        assertThat(answer.machineAuthorized()).isTrue();
        assertThat(answer.user().loginName()).isEqualTo("alice");
    }
}
