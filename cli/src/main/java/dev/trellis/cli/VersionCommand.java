package dev.trellis.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code trellis version}: this program's version; works without the daemon. */
@Command(name = "version", mixinStandardHelpOptions = true, description = "Print the version of trellis.")
final class VersionCommand implements Callable<Integer> {
    @ParentCommand
    Trellis parent;

    @Override
    public Integer call() {
        parent.environment().out().println(CliVersion.get());
        return ExitCode.OK.code();
    }
}
