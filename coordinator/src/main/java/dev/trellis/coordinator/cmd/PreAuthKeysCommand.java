package dev.trellis.coordinator.cmd;

import dev.trellis.coordinator.admin.AdminInputs;
import dev.trellis.coordinator.admin.AdminJson;
import dev.trellis.coordinator.admin.PreAuthKeyView;
import dev.trellis.coordinator.store.IssuedPreAuthKey;
import dev.trellis.coordinator.store.PreAuthKey;
import dev.trellis.coordinator.store.Store;
import dev.trellis.coordinator.tailnet.Tailnet;
import dev.trellis.coordinator.store.StoreNotFoundException;
import dev.trellis.coordinator.store.User;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code trellis-coordinator preauthkeys …}: keys live in the store, which a running coordinator
 * reads on every registration, so these work with or without one.
 */
@Command(name = "preauthkeys", mixinStandardHelpOptions = true, description = "Manage pre-auth keys.",
        subcommands = {PreAuthKeysCommand.Create.class, PreAuthKeysCommand.ListKeys.class,
                PreAuthKeysCommand.Expire.class})
final class PreAuthKeysCommand {
    private PreAuthKeysCommand() {}

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a pre-auth key and print it (only the key, on stdout; it is shown once).")
    static final class Create implements Callable<Integer> {
        @Mixin
        DataOptions data;

        @Spec
        CommandSpec spec;

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
            List<String> checked;
            try {
                checked = AdminInputs.tags(tags);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            if (expiration.isZero()) {
                throw new ParameterException(spec.commandLine(), "--expiration must be longer than 0s");
            }
            try (Store store = data.open()) {
                User u = store.userByName(user).orElseThrow(() -> new StoreNotFoundException(
                        "no user '" + user + "': create it with `trellis-coordinator users create " + user + "`"));
                Tailnet.checkTags(store, checked, u.loginName());
                IssuedPreAuthKey key = store.createPreAuthKey(u.id(), reusable, ephemeral,
                        Instant.now().plus(expiration), checked);
                spec.commandLine().getOut().println(key.text());
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List pre-auth keys (never their secrets).")
    static final class ListKeys implements Callable<Integer> {
        @Mixin
        DataOptions data;

        @Spec
        CommandSpec spec;

        @Option(names = "--user", paramLabel = "NAME", description = "Only this user's keys.")
        String user;

        @Option(names = "--json", description = "Print JSON, as the admin API answers, instead of a table.")
        boolean json;

        @Override
        public Integer call() {
            List<PreAuthKeyView> keys;
            try (Store store = data.open()) {
                Map<Long, String> names = new HashMap<>();
                store.listUsers().forEach(u -> names.put(u.id(), u.name()));
                List<PreAuthKey> stored = user == null ? store.listPreAuthKeys()
                        : store.listPreAuthKeys(store.userByName(user).orElseThrow(() -> new StoreNotFoundException(
                                "no user named '" + user + "' (see `trellis-coordinator users list`)")).id());
                Instant now = Instant.now();
                keys = stored.stream().map(k -> PreAuthKeyView.of(k, names.get(k.userId()), now)).toList();
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.print(new String(AdminJson.write(Map.of("preAuthKeys", keys)), StandardCharsets.UTF_8));
                out.flush();
                return 0;
            }
            Table t = new Table("ID", "PREFIX", "USER", "REUSABLE", "EPHEMERAL", "USED", "EXPIRES", "TAGS");
            for (PreAuthKeyView k : keys) {
                t.row(k.id(), k.prefix(), k.user(), k.reusable(), k.ephemeral(), k.used(),
                        (k.expired() ? "expired " : "") + Table.time(k.expiration(), "never"),
                        k.tags().isEmpty() ? "-" : String.join(",", k.tags()));
            }
            t.print(out);
            return 0;
        }
    }

    @Command(name = "expire", mixinStandardHelpOptions = true,
            description = "Expire a pre-auth key now: no node can join with it any more (joined nodes stay).")
    static final class Expire implements Callable<Integer> {
        @Mixin
        DataOptions data;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "ID", description = "The key's id (see `preauthkeys list`).")
        long id;

        @Override
        public Integer call() {
            try (Store store = data.open()) {
                PreAuthKey k = store.expirePreAuthKey(id, Instant.now());
                spec.commandLine().getOut().println("expired pre-auth key " + k.id() + " (" + k.prefix() + ")");
            }
            return 0;
        }
    }
}
