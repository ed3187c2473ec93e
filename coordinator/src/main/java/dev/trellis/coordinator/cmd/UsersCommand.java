package dev.trellis.coordinator.cmd;

import dev.trellis.coordinator.store.NewUser;
import dev.trellis.coordinator.store.Store;
import dev.trellis.coordinator.store.User;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code trellis-coordinator users …}. */
@Command(name = "users", mixinStandardHelpOptions = true, description = "Manage users.",
        subcommands = {UsersCommand.Create.class, UsersCommand.ListUsers.class})
final class UsersCommand {
    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a local user (who logs in at the built-in login page with a password).")
    static final class Create implements Callable<Integer> {
        @Mixin
        DataOptions data;

        @Parameters(paramLabel = "NAME", description = "User name (also the login name).")
        String name;

        @Option(names = "--display-name", paramLabel = "TEXT")
        String displayName;

        @Option(names = "--password-file", paramLabel = "FILE",
                description = "Read the password from FILE (first line). Without it the user can only join nodes with pre-auth keys.")
        Path passwordFile;

        @Override
        public Integer call() throws Exception {
            String hash = passwordFile == null ? null : PasswordHashing.hash(readPassword(passwordFile));
            try (Store store = data.open()) {
                User u = store.createUser(NewUser.local(name, displayName == null ? name : displayName, hash));
                System.out.println(u.id());
            }
            return 0;
        }

        private static char[] readPassword(Path file) throws IOException {
            String first = Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("");
            if (first.isEmpty()) {
                throw new IOException(file + " holds no password on its first line");
            }
            return first.toCharArray();
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List users.")
    static final class ListUsers implements Callable<Integer> {
        @Mixin
        DataOptions data;

        @Override
        public Integer call() {
            try (Store store = data.open()) {
                System.out.printf("%-6s %-24s %-32s %s%n", "ID", "NAME", "LOGIN", "PROVIDER");
                for (User u : store.listUsers()) {
                    System.out.printf("%-6d %-24s %-32s %s%n", u.id(), u.name(), u.loginName(), u.provider());
                }
            }
            return 0;
        }
    }
}
