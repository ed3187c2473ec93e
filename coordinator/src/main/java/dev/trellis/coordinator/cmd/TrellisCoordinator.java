package dev.trellis.coordinator.cmd;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code trellis-coordinator}: runs the control server and administers it. Exit codes: 0 ok,
 * 1 failure (the message says what to do), 2 bad usage.
 */
@Command(name = "trellis-coordinator", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "The Trellis coordination server: logins, keys and netmaps for one network.",
        subcommands = {ServeCommand.class, UsersCommand.class, PreAuthKeysCommand.class, NodesCommand.class})
public final class TrellisCoordinator {
    private TrellisCoordinator() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        LogSetup.configure(args.length > 0 && args[0].equals("serve"));
        CommandLine cl = new CommandLine(new TrellisCoordinator());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("trellis-coordinator: " + Errors.describe(e));
            if (System.getenv("TRELLIS_DEBUG") != null) {
                e.printStackTrace(cmd.getErr());
            }
            return 1;
        });
        return cl.execute(args);
    }
}
