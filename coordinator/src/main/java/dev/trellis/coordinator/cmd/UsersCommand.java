package dev.trellis.coordinator.cmd;

import dev.trellis.coordinator.admin.AdminInputs;
import dev.trellis.coordinator.admin.AdminJson;
import dev.trellis.coordinator.admin.UserView;
import dev.trellis.coordinator.store.NewUser;
import dev.trellis.coordinator.store.Store;
import dev.trellis.coordinator.store.StoreConflictException;
import dev.trellis.coordinator.store.StoreNotFoundException;
import dev.trellis.coordinator.store.User;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

/** {@code trellis-coordinator users …}: users live in the store, so these work with or without a running coordinator. */
@Command(name = "users", mixinStandardHelpOptions = true, description = "Manage users.",
        subcommands = {UsersCommand.Create.class, UsersCommand.ListUsers.class, UsersCommand.Delete.class})
final class UsersCommand {
    private UsersCommand() {}

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a local user (who logs in at the built-in login page with a password) and print its id.")
    static final class Create implements Callable<Integer> {
        @Mixin
        DataOptions data;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "NAME", description = "User name (also the login name): no spaces, at most 64 characters.")
        String name;

        @Option(names = "--display-name", paramLabel = "TEXT")
        String displayName;

        @Option(names = "--password-file", paramLabel = "FILE",
                description = "Read the password from FILE (first line). Without it the user can only join nodes with pre-auth keys.")
        Path passwordFile;

        @Override
        public Integer call() throws Exception {
            try {
                AdminInputs.userName(name);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            String hash = passwordFile == null ? null : PasswordHashing.hash(readPassword(passwordFile));
            try (Store store = data.open()) {
                User u = store.createUser(NewUser.local(name, displayName == null ? name : displayName, hash));
                spec.commandLine().getOut().println(u.id());
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

        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "Print JSON, as the admin API answers, instead of a table.")
        boolean json;

        @Override
        public Integer call() {
            List<UserView> users;
            try (Store store = data.open()) {
                users = store.listUsers().stream().map(UserView::of).toList();
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.print(new String(AdminJson.write(Map.of("users", users)), StandardCharsets.UTF_8));
                out.flush();
                return 0;
            }
            Table t = new Table("ID", "NAME", "LOGIN", "PROVIDER", "CREATED");
            users.forEach(u -> t.row(u.id(), u.name(), u.loginName(), u.provider(), Table.time(u.created(), "-")));
            t.print(out);
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a user and their pre-auth keys. A user who still owns nodes is not deleted: delete the nodes first.")
    static final class Delete implements Callable<Integer> {
        @Mixin
        DataOptions data;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "NAME", description = "The user's name (see `users list`).")
        String name;

        @Override
        public Integer call() {
            try (Store store = data.open()) {
                User u = store.userByName(name).orElseThrow(() -> new StoreNotFoundException(
                        "no user named '" + name + "' (see `trellis-coordinator users list`)"));
                try {
                    if (!store.deleteUser(u.id())) {
                        throw new StoreNotFoundException("no user named '" + name + "' (deleted meanwhile)");
                    }
                } catch (StoreConflictException e) {
                    throw new StoreConflictException("user '" + name + "' still owns nodes: delete them first with"
                            + " `trellis-coordinator nodes delete ID` (see `nodes list`)", e);
                }
            }
            spec.commandLine().getOut().println("deleted user " + name);
            return 0;
        }
    }
}
