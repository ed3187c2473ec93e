package dev.trellis.cli;

import dev.trellis.protocol.localapi.client.LocalApi;
import dev.trellis.protocol.localapi.LocalApiPaths;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code trellis [--socket PATH] COMMAND}: the command-line client of trellisd. Exit codes are
 * listed in {@link ExitCode}; a failure prints one line on stderr.
 */
@Command(name = "trellis",
        mixinStandardHelpOptions = true,
        versionProvider = CliVersion.class,
        description = "Control the Trellis node daemon (trellisd).",
        subcommands = {
            UpCommand.class, DownCommand.class, LoginCommand.class, LogoutCommand.class,
            StatusCommand.class, IpCommand.class, WhoisCommand.class, PingCommand.class, NetcheckCommand.class, MetricsCommand.class, VersionCommand.class,
        })
public final class Trellis implements Callable<Integer> {

    @Option(names = "--socket", paramLabel = "PATH", defaultValue = LocalApiPaths.DEFAULT_SOCKET,
            description = "trellisd's LocalAPI socket (default: ${DEFAULT-VALUE})")
    Path socket;

    private final CliEnvironment environment;

    Trellis(CliEnvironment environment) {
        this.environment = environment;
    }

    public static void main(String[] args) {
        System.exit(run(args, CliEnvironment.system()));
    }

    /** Runs one command line and returns its exit code; never calls System.exit. */
    static int run(String[] args, CliEnvironment env) {
        CommandLine cmd = new CommandLine(new Trellis(env));
        cmd.setOut(env.out());
        cmd.setErr(env.err());
        cmd.setParameterExceptionHandler((ex, a) -> {
            String command = ex.getCommandLine().getCommandSpec().qualifiedName();
            String message = ex.getMessage() == null ? "bad command line" : ex.getMessage();
            if (message.startsWith("Error: ")) {
                message = message.substring("Error: ".length());
            }
            env.err().println(TerminalText.oneLine(message) + ": see `" + command + " --help`");
            return ExitCode.USAGE.code();
        });
        cmd.setExecutionExceptionHandler((ex, c, parsed) -> {
            Failures.Failure f = Failures.of(ex);
            env.err().println(TerminalText.oneLine(f.message()));
            if (!env.env().getOrDefault("TRELLIS_DEBUG", "").isEmpty()) {
                ex.printStackTrace(env.err());
            }
            return f.code().code();
        });
        try {
            return cmd.execute(args);
        } finally {
            env.out().flush();
            env.err().flush();
        }
    }

    @Override
    public Integer call() throws CliException {
        throw new CliException(ExitCode.USAGE, "missing command: run `trellis --help` to see them");
    }

    LocalApi api() {
        return environment.connector().apply(socket);
    }

    CliEnvironment environment() {
        return environment;
    }
}
