package dev.trellis.coordinator.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trellis.coordinator.Coordinator;
import dev.trellis.coordinator.CoordinatorConfig;
import dev.trellis.coordinator.metrics.PrometheusText;
import dev.trellis.coordinator.store.NewUser;
import dev.trellis.coordinator.store.Store;
import dev.trellis.coordinator.store.Stores;
import dev.trellis.protocol.http.Http1Client;
import dev.trellis.protocol.http.HttpResult;
import dev.trellis.protocol.http.PeerCredentials;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin socket of a real coordinator: private from its first moment, open to root without an
 * API key, gone after close; and the main port's admin routes.
 */
class AdminSocketTest {
    @TempDir
    Path dir;

    private Coordinator coordinator;

    private Path dataDir() {
        return dir.resolve("data");
    }

    private Coordinator start() throws IOException {
        CoordinatorConfig d = CoordinatorConfig.defaults(dataDir());
        coordinator = Coordinator.start(new CoordinatorConfig(new InetSocketAddress("127.0.0.1", 0), null, dataDir(),
                null, null, null, "trellis.test", d.nodeKeyExpiry(), d.ephemeralTimeout(), Duration.ofSeconds(30)));
        return coordinator;
    }

    @AfterEach
    void stop() {
        if (coordinator != null) {
            coordinator.close();
        }
    }

    @Test
    void theSocketIsPrivateServesRootWithoutAKeyAndIsRemovedOnClose() throws Exception {
        try (Store store = Stores.open(null, dataDir())) {
            TestNodes.register(store, store.createUser(NewUser.local("alice", "Alice", null)).id(), "alpha");
        }
        start();
        Path socket = AdminSocket.pathIn(dataDir());
        assertThat(socket).isEqualTo(dataDir().resolve("run/admin.sock"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket, LinkOption.NOFOLLOW_LINKS)))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())))
                .isEqualTo("rwx------");

        try (Http1Client client = Http1Client.unix(socket, Duration.ofSeconds(5))) {
            HttpResult nodes = client.send("GET", "/api/v1/nodes", Map.of(), null);
            assertThat(nodes.status()).as(nodes.bodyText()).isEqualTo(200);
            assertThat(AdminJson.list(nodes.body(), "nodes", NodeView.class)).extracting(NodeView::name)
                    .containsExactly("alpha");
            HttpResult renamed = client.send("POST", "/api/v1/nodes/1/rename", Map.of(),
                    "{\"name\": \"web\"}".getBytes());
            assertThat(renamed.status()).as(renamed.bodyText()).isEqualTo(200);
            assertThat(coordinator.tailnet().hub().node(1).orElseThrow().name()).isEqualTo("web");
            HttpResult metrics = client.send("GET", "/metrics", Map.of(), null);
            assertThat(metrics.status()).isEqualTo(200);
            assertThat(metrics.headers().first("Content-Type")).contains(PrometheusText.CONTENT_TYPE);
            assertThat(metrics.bodyText()).contains("trellis_coordinator_nodes 1\n");
            assertThat(client.send("GET", "/other", Map.of(), null).status()).isEqualTo(404);
        }

        coordinator.close();
        coordinator = null;
        assertThat(socket).doesNotExist();
    }

    @Test
    void theMainPortServesTheApiWithKeysAndMetricsOpenly() throws Exception {
        start();
        String key = coordinator.tailnet().store().createApiKey(null).text();
        try (Http1Client client = Http1Client.tcp(coordinator.serverUrl(), null, Duration.ofSeconds(5))) {
            HttpResult refused = client.send("GET", "/api/v1/users", Map.of(), null);
            assertThat(refused.status()).isEqualTo(401);
            assertThat(AdminJson.tree(refused.body()).get("code").asText()).isEqualTo("unauthorized");
            assertThat(client.send("GET", "/api/v1/users", Map.of("Authorization", "Bearer " + key), null).status())
                    .isEqualTo(200);
            HttpResult created = client.send("POST", "/api/v1/users", Map.of("Authorization", "Bearer " + key),
                    "{\"name\": \"bob\"}".getBytes());
            assertThat(created.status()).isEqualTo(201);
            long bob = AdminJson.field(created.body(), "user", UserView.class).id();
            assertThat(client.send("DELETE", "/api/v1/users/" + bob, Map.of("Authorization", "Bearer " + key), null)
                    .status()).isEqualTo(204);
            HttpResult metrics = client.send("GET", "/metrics", Map.of(), null);
            assertThat(metrics.status()).isEqualTo(200);
            assertThat(metrics.bodyText()).contains("# TYPE trellis_coordinator_http_open_connections gauge\n")
                    .contains("trellis_coordinator_http_open_connections 1\n");
            assertThat(client.send("GET", "/health", Map.of(), null).status()).as("other routes still work")
                    .isEqualTo(200);
        }
    }

    @Test
    void aSecondCoordinatorOnTheSameDataDirectoryIsRefusedAndAStaleSocketIsReplaced() throws Exception {
        Path socket = AdminSocket.pathIn(dataDir());
        Files.createDirectories(socket.getParent());
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket));
        }
        assertThat(socket).exists(); // a crashed coordinator's leftover
        start();
        try (Http1Client client = Http1Client.unix(socket, Duration.ofSeconds(5))) {
            assertThat(client.send("GET", "/api/v1/users", Map.of(), null).status()).isEqualTo(200);
        }
        Coordinator first = coordinator;
        assertThatThrownBy(this::start).isInstanceOf(IOException.class).hasMessageContaining("another server");
        coordinator = first;
        assertThat(socket).exists();
    }

    @Test
    void theSocketDirectoryIsMadePrivateAndALinkIsRefused() throws Exception {
        Path run = Files.createDirectories(dir.resolve("d1/run"));
        Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxr-xr-x"));
        int me = (Integer) Files.getAttribute(run, "unix:uid");
        AdminSocket.privateDirectory(run, me);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(run))).isEqualTo("rwx------");

        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Files.createDirectories(dir.resolve("d2"));
        Path link = Files.createSymbolicLink(dir.resolve("d2/run"), elsewhere);
        assertThatThrownBy(() -> AdminSocket.privateDirectory(link, me)).isInstanceOf(IOException.class)
                .hasMessageContaining("not a directory");
        assertThatThrownBy(() -> AdminSocket.privateDirectory(run, me + 1)).isInstanceOf(IOException.class)
                .hasMessageContaining("belongs to uid");
    }

    @Test
    void onlyRootAndTheCoordinatorsOwnUserGetIn() {
        PeerAuth auth = new PeerAuth(1000);
        assertThat(auth.allows(Optional.of(new PeerCredentials(0, 0, "root", "root")))).isTrue();
        assertThat(auth.allows(Optional.of(new PeerCredentials(1000, 1000, "trellis", "trellis")))).isTrue();
        assertThat(auth.allows(Optional.of(new PeerCredentials(1001, 1000, "mallory", "trellis")))).isFalse();
        assertThat(auth.allows(Optional.of(new PeerCredentials(-1, 0, "?", "root")))).isFalse();
        assertThat(auth.allows(Optional.empty())).as("TCP has no peer credentials").isFalse();
    }
}
