package dev.trellis.coordinator.cmd;

import dev.trellis.coordinator.store.IssuedPreAuthKey;
import dev.trellis.coordinator.store.PreAuthKey;
import dev.trellis.coordinator.store.Store;
import dev.trellis.coordinator.store.User;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code trellis-coordinator preauthkeys …}. */
@Command(name = "preauthkeys", mixinStandardHelpOptions = true, description = "Manage pre-auth keys.",
        subcommands = {PreAuthKeysCommand.Create.class, PreAuthKeysCommand.ListKeys.class})
final class PreAuthKeysCommand {
    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a pre-auth key and print it (only the key, on stdout; it is shown once).")
    static final class Create implements Callable<Integer> {
        @Mixin
        DataOptions data;

        @Option(names = "--user", required = true, paramLabel = "NAME", description = "The user nodes join as.")
        String user;

        @Option(names = "--reusable", description = "Usable any number of times until it expires (default: once).")
        boolean reusable;

        @Option(names = "--ephemeral", description = "Nodes are deleted shortly after they go offline.")
        boolean ephemeral;

        @Option(names = "--expiration", paramLabel = "DURATION", converter = Durations.class, defaultValue = "1h",
                description = "How long the key is valid (e.g. 1h, 90d). Default: ${DEFAULT-VALUE}.")
        Duration expiration;

        @Option(names = "--tags", split = ",", paramLabel = "tag:a,tag:b", description = "Tags for nodes joining with it.")
        List<String> tags = List.of();

        @Override
        public Integer call() {
            for (String t : tags) {
                if (!t.matches("tag:[a-z0-9][a-z0-9-]{0,62}")) {
                    throw new IllegalArgumentException("bad tag '" + t + "': tags look like tag:server (lowercase letters, digits, '-')");
                }
            }
            try (Store store = data.open()) {
                User u = store.userByName(user).orElseThrow(() -> new IllegalArgumentException(
                        "no user '" + user + "': create it with `trellis-coordinator users create " + user + "`"));
                IssuedPreAuthKey key = store.createPreAuthKey(u.id(), reusable, ephemeral,
                        Instant.now().plus(expiration), tags);
                System.out.println(key.text());
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List pre-auth keys (never their secrets).")
    static final class ListKeys implements Callable<Integer> {
        @Mixin
        DataOptions data;

        @Override
        public Integer call() {
            try (Store store = data.open()) {
                System.out.printf("%-6s %-14s %-8s %-9s %-9s %-5s %s%n", "ID", "PREFIX", "USER", "REUSABLE", "EPHEMERAL",
                        "USED", "EXPIRES");
                for (PreAuthKey k : store.listPreAuthKeys()) {
                    System.out.printf("%-6d %-14s %-8d %-9s %-9s %-5s %s%n", k.id(), k.prefix(), k.userId(), k.reusable(),
                            k.ephemeral(), k.used(), k.expiration() == null ? "never" : k.expiration());
                }
            }
            return 0;
        }
    }
}
