package dev.trellis.coordinator.cmd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.coordinator.Coordinator;
import dev.trellis.coordinator.CoordinatorConfig;
import dev.trellis.coordinator.store.NewUser;
import dev.trellis.coordinator.store.Store;
import dev.trellis.coordinator.store.Stores;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code trellis-coordinator policy …}: through the running coordinator, or the store when none runs. */
class PolicyCommandTest {
    private static final String POLICY = """
            {
              // alice reaches her servers over SSH
              "tagOwners": {"tag:server": ["alice"]},
              "acls": [{"action": "accept", "src": ["alice"], "dst": ["tag:server:22"]}],
              "tests": [{"src": "alice", "accept": ["tag:server:22"], "deny": ["tag:server:80"]}],
            }
            """;

    @TempDir
    Path dir;
    private Path dataDir;
    private Cli cli;
    private Coordinator coordinator;

    @BeforeEach
    void data() {
        dataDir = dir.resolve("data");
        cli = new Cli(dataDir);
        try (Store store = Stores.open(null, dataDir)) {
            store.createUser(NewUser.local("alice", "Alice", null));
        }
    }

    @AfterEach
    void stop() {
        if (coordinator != null) {
            coordinator.close();
        }
    }

    private Path file(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void withoutACoordinatorTheStoreIsUsedAndAStartingCoordinatorAppliesIt() throws Exception {
        Cli.Result none = cli.run("policy", "get");
        assertThat(none.code()).isNotZero();
        assertThat(none.err()).contains("no policy is set");

        Cli.Result set = cli.run("policy", "set", file("p.hujson", POLICY).toString());
        assertThat(set.code()).as(set.toString()).isZero();
        assertThat(set.out()).contains("policy version 1 is in force");
        assertThat(set.err()).contains("no coordinator is running");
        assertThat(cli.run("policy", "get").out()).isEqualTo(POLICY);

        startCoordinator();
        Cli.Result explained = cli.run("policy", "explain", "alice", "tag:server:80");
        assertThat(explained.code()).as(explained.toString()).isEqualTo(1);
        Cli.Result allowed = cli.run("policy", "explain", "alice", "tag:server:22", "--proto", "tcp");
        assertThat(allowed.code()).as(allowed.toString()).isZero();
        assertThat(allowed.out()).contains("line 4");
    }

    @Test
    void aBadPolicyIsRefusedWithItsLineEitherWay() throws Exception {
        Path bad = file("bad.hujson", POLICY.replace("\"deny\": [\"tag:server:80\"]", "\"deny\": [\"tag:server:22\"]"));
        Cli.Result offline = cli.run("policy", "set", bad.toString());
        assertThat(offline.code()).isNotZero();
        assertThat(offline.err()).contains("line 5", "tag:server:22");
        Cli.Result check = cli.run("policy", "check", bad.toString());
        assertThat(check.code()).isNotZero();
        assertThat(cli.run("policy", "check", file("ok.hujson", POLICY).toString()).out()).contains("OK");

        startCoordinator();
        Cli.Result online = cli.run("policy", "set", bad.toString());
        assertThat(online.code()).isNotZero();
        assertThat(online.err()).contains("line 5", "tag:server:22");
        assertThat(cli.run("policy", "get").code()).as("nothing was saved").isNotZero();
        Cli.Result good = cli.run("policy", "set", file("good.hujson", POLICY).toString());
        assertThat(good.code()).as(good.toString()).isZero();
        assertThat(good.err()).doesNotContain("no coordinator");
    }

    @Test
    void tagsOutsideTagOwnersAreRefusedAlsoWhenCommandsWorkOnTheStore() throws Exception {
        assertThat(cli.run("policy", "set", file("p.hujson", POLICY).toString()).code()).isZero();
        Cli.Result refused = cli.run("preauthkeys", "create", "--user", "alice", "--tags", "tag:nope");
        assertThat(refused.code()).isNotZero();
        assertThat(refused.err()).contains("tag:nope", "tagOwners");
        assertThat(cli.run("preauthkeys", "create", "--user", "alice", "--tags", "tag:server").code()).isZero();
        try (Store store = Stores.open(null, dataDir)) {
            store.createUser(NewUser.local("bob", "Bob", null));
        }
        Cli.Result notOwner = cli.run("preauthkeys", "create", "--user", "bob", "--tags", "tag:server");
        assertThat(notOwner.code()).isNotZero();
        assertThat(notOwner.err()).contains("bob does not own tag:server");
    }

    private void startCoordinator() throws Exception {
        CoordinatorConfig d = CoordinatorConfig.defaults(dataDir);
        coordinator = Coordinator.start(new CoordinatorConfig(new InetSocketAddress("127.0.0.1", 0), null, dataDir,
                null, null, null, "trellis.test", d.nodeKeyExpiry(), d.ephemeralTimeout(), Duration.ofSeconds(30)));
    }
}
