package dev.trellis.coordinator.cmd;

import dev.trellis.coordinator.admin.AdminJson;
import dev.trellis.coordinator.admin.ApiKeyView;
import dev.trellis.coordinator.store.IssuedApiKey;
import dev.trellis.coordinator.store.Store;
import dev.trellis.coordinator.store.StoreNotFoundException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
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
 * {@code trellis-coordinator apikeys …}: keys for the HTTP admin API ({@code Authorization:
 * Bearer trellis-api-…}). They live in the store, hashed; a running coordinator checks the store
 * on every request, so a deleted key stops working at once.
 */
@Command(name = "apikeys", mixinStandardHelpOptions = true,
        description = "Manage API keys for the HTTP admin API (/api/v1/ on the coordinator's port).",
        subcommands = {ApiKeysCommand.Create.class, ApiKeysCommand.ListKeys.class, ApiKeysCommand.Delete.class})
final class ApiKeysCommand {
    private ApiKeysCommand() {}

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create an API key and print it (only the key, on stdout; it is shown once).")
    static final class Create implements Callable<Integer> {
        @Mixin
        DataOptions data;

        @Spec
        CommandSpec spec;

        @Option(names = "--expiration", paramLabel = "DURATION", converter = Durations.class, defaultValue = "90d",
                description = "How long the key is valid (e.g. 12h, 90d). Default: ${DEFAULT-VALUE}.")
        Duration expiration;

        @Override
        public Integer call() {
            if (expiration.isZero()) {
                throw new ParameterException(spec.commandLine(), "--expiration must be longer than 0s");
            }
            try (Store store = data.open()) {
                IssuedApiKey key = store.createApiKey(Instant.now().plus(expiration));
                spec.commandLine().getOut().println(key.text());
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List API keys (never their secrets).")
    static final class ListKeys implements Callable<Integer> {
        @Mixin
        DataOptions data;

        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "Print JSON, as the admin API answers, instead of a table.")
        boolean json;

        @Override
        public Integer call() {
            List<ApiKeyView> keys;
            try (Store store = data.open()) {
                Instant now = Instant.now();
                keys = store.listApiKeys().stream().map(k -> ApiKeyView.of(k, now)).toList();
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.print(new String(AdminJson.write(Map.of("apiKeys", keys)), StandardCharsets.UTF_8));
                out.flush();
                return 0;
            }
            Table t = new Table("ID", "PREFIX", "CREATED", "EXPIRES", "LAST USED");
            for (ApiKeyView k : keys) {
                t.row(k.id(), k.prefix(), Table.time(k.created(), "-"),
                        (k.expired() ? "expired " : "") + Table.time(k.expiration(), "never"),
                        Table.time(k.lastUsed(), "never"));
            }
            t.print(out);
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete an API key; it stops working at once.")
    static final class Delete implements Callable<Integer> {
        @Mixin
        DataOptions data;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "ID", description = "The key's id (see `apikeys list`).")
        long id;

        @Override
        public Integer call() {
            try (Store store = data.open()) {
                if (!store.deleteApiKey(id)) {
                    throw new StoreNotFoundException("no API key with id " + id + " (see `trellis-coordinator apikeys list`)");
                }
            }
            spec.commandLine().getOut().println("deleted API key " + id);
            return 0;
        }
    }
}
