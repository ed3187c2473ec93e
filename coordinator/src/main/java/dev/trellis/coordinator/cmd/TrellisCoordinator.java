package dev.trellis.coordinator.cmd;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code trellis-coordinator}: runs the control server and administers it. Exit codes: 0 ok,
 * 1 failure (one line on stderr saying what to do), 2 bad usage.
 */
@Command(name = "trellis-coordinator", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "The Trellis coordination server: logins, keys and netmaps for one network.",
        subcommands = {ServeCommand.class, UsersCommand.class, PreAuthKeysCommand.class, NodesCommand.class,
                PolicyCommand.class, ApiKeysCommand.class})
public final class TrellisCoordinator {
    private TrellisCoordinator() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        LogSetup.configure(args.length > 0 && args[0].equals("serve"));
        return run(new PrintWriter(System.out, true, System.out.charset()),
                new PrintWriter(System.err, true, System.err.charset()), args);
    }

    /** Runs a command line with its output going to {@code out} and {@code err} (tests capture them here). */
    static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new TrellisCoordinator());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("trellis-coordinator: " + Errors.describe(e));
            if (System.getenv("TRELLIS_DEBUG") != null) {
                e.printStackTrace(cmd.getErr());
            }
            return 1;
        });
        // One line, not the whole usage: the help is a --help away.
        cl.setParameterExceptionHandler((e, badArgs) -> {
            CommandLine cmd = e.getCommandLine();
            cmd.getErr().println("trellis-coordinator: " + e.getMessage() + " (see `"
                    + cmd.getCommandSpec().qualifiedName() + " --help`)");
            return cmd.getCommandSpec().exitCodeOnInvalidInput();
        });
        try {
            return cl.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }
}
