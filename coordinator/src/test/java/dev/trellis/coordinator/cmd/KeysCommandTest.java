package dev.trellis.coordinator.cmd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.coordinator.admin.AdminJson;
import dev.trellis.coordinator.admin.ApiKeyView;
import dev.trellis.coordinator.admin.PreAuthKeyView;
import dev.trellis.coordinator.admin.TestNodes;
import dev.trellis.coordinator.admin.UserView;
import dev.trellis.coordinator.store.Secrets;
import dev.trellis.coordinator.store.Store;
import dev.trellis.coordinator.store.Stores;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code users}, {@code preauthkeys} and {@code apikeys}: what scripts rely on, and clear refusals. */
class KeysCommandTest {
    @TempDir
    Path dir;

    private Path dataDir;
    private Cli cli;

    @BeforeEach
    void setUp() {
        dataDir = dir.resolve("data");
        cli = new Cli(dataDir);
    }

    private static Cli.Result ok(Cli.Result r) {
        assertThat(r.code()).as(r.toString()).isZero();
        return r;
    }

    private static void usageError(Cli.Result r) {
        assertThat(r.code()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).startsWith("trellis-coordinator: ").hasLineCount(1);
        assertThat(r.out()).isEmpty();
    }

    private static void failure(Cli.Result r, String message) {
        assertThat(r.code()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).startsWith("trellis-coordinator: ").contains(message).hasLineCount(1);
    }

    @Test
    void usersAreCreatedListedAndDeleted() throws Exception {
        Cli.Result created = ok(cli.run("users", "create", "alice"));
        assertThat(created.out()).matches("[0-9]+\n");
        ok(cli.run("users", "create", "bob", "--display-name", "Bob B."));
        failure(cli.run("users", "create", "alice"), "already exists");
        usageError(cli.run("users", "create", "a b"));

        assertThat(ok(cli.run("users", "list")).out()).contains("alice").contains("bob").startsWith("ID");
        List<UserView> users = AdminJson.list(ok(cli.run("users", "list", "--json")).out()
                .getBytes(StandardCharsets.UTF_8), "users", UserView.class);
        assertThat(users).extracting(UserView::displayName).containsExactly("alice", "Bob B.");

        try (Store store = Stores.open(null, dataDir)) {
            TestNodes.register(store, users.getFirst().id(), "alpha");
        }
        failure(cli.run("users", "delete", "alice"), "still owns nodes");
        assertThat(ok(cli.run("users", "delete", "bob")).out()).isEqualTo("deleted user bob\n");
        failure(cli.run("users", "delete", "bob"), "no user named 'bob'");
    }

    @Test
    void preAuthKeysPrintOnlyTheKeyAndCanBeExpired() throws Exception {
        ok(cli.run("users", "create", "alice"));
        Cli.Result created = ok(cli.run("preauthkeys", "create", "--user", "alice", "--reusable", "--ephemeral",
                "--expiration", "2h", "--tags", "tag:a,tag:b"));
        assertThat(created.out()).matches("trellis-auth-[a-z2-7]{12}-[a-z2-7]{32}\n");
        assertThat(created.err()).isEmpty();
        Secrets.KeyText key = Secrets.parse(Secrets.Kind.PRE_AUTH, created.out().strip());

        List<PreAuthKeyView> keys = AdminJson.list(ok(cli.run("preauthkeys", "list", "--json")).out()
                .getBytes(StandardCharsets.UTF_8), "preAuthKeys", PreAuthKeyView.class);
        assertThat(keys).hasSize(1);
        PreAuthKeyView k = keys.getFirst();
        assertThat(k.prefix()).isEqualTo(key.prefix());
        assertThat(k.reusable()).isTrue();
        assertThat(k.ephemeral()).isTrue();
        assertThat(k.tags()).containsExactly("tag:a", "tag:b");
        assertThat(k.expiration()).isBetween(Instant.now().plus(Duration.ofMinutes(119)), Instant.now().plus(Duration.ofHours(2)));
        Cli.Result table = ok(cli.run("preauthkeys", "list", "--user", "alice"));
        assertThat(table.out()).contains(key.prefix()).doesNotContain(key.secret());

        assertThat(ok(cli.run("preauthkeys", "expire", Long.toString(k.id()))).out())
                .isEqualTo("expired pre-auth key " + k.id() + " (" + k.prefix() + ")\n");
        assertThat(ok(cli.run("preauthkeys", "list")).out()).contains("expired ");
        failure(cli.run("preauthkeys", "expire", "999"), "no pre-auth key with id 999");

        failure(cli.run("preauthkeys", "create", "--user", "nobody"), "users create nobody");
        usageError(cli.run("preauthkeys", "create", "--user", "alice", "--tags", "server"));
        usageError(cli.run("preauthkeys", "create", "--user", "alice", "--expiration", "soon"));
        usageError(cli.run("preauthkeys", "create", "--user", "alice", "--expiration", "0s"));
        usageError(cli.run("preauthkeys", "create"));
        try (Store store = Stores.open(null, dataDir)) {
            assertThat(store.listPreAuthKeys()).hasSize(1);
        }
    }

    @Test
    void apiKeysPrintOnlyTheKeyAreListedWithoutSecretsAndDeleted() throws Exception {
        Cli.Result created = ok(cli.run("apikeys", "create", "--expiration", "30d"));
        assertThat(created.out()).matches("trellis-api-[a-z2-7]{12}-[a-z2-7]{32}\n");
        Secrets.KeyText key = Secrets.parse(Secrets.Kind.API, created.out().strip());
        ok(cli.run("apikeys", "create"));

        Cli.Result table = ok(cli.run("apikeys", "list"));
        assertThat(table.out()).contains(key.prefix()).doesNotContain(key.secret()).contains("LAST USED");
        List<ApiKeyView> keys = AdminJson.list(ok(cli.run("apikeys", "list", "--json")).out()
                .getBytes(StandardCharsets.UTF_8), "apiKeys", ApiKeyView.class);
        assertThat(keys).hasSize(2);
        assertThat(keys.get(0).expiration()).isBetween(Instant.now().plus(Duration.ofDays(29)), Instant.now().plus(Duration.ofDays(30)));
        assertThat(keys.get(1).expiration()).as("default 90 days").isAfter(Instant.now().plus(Duration.ofDays(89)));

        assertThat(ok(cli.run("apikeys", "delete", Long.toString(keys.get(0).id()))).out())
                .isEqualTo("deleted API key " + keys.get(0).id() + "\n");
        failure(cli.run("apikeys", "delete", Long.toString(keys.get(0).id())), "no API key with id");
        usageError(cli.run("apikeys", "create", "--expiration", "-1d"));
        usageError(cli.run("apikeys", "delete", "x"));
    }

    @Test
    void theTopLevelHelpListsEveryCommand() {
        Cli.Result help = Cli.raw("--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("serve", "users", "preauthkeys", "nodes", "apikeys");
        usageError(Cli.raw("nonsense"));
    }
}
