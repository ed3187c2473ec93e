package dev.trellis.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code trellis logout}: {@code POST logout}. */
@Command(name = "logout", mixinStandardHelpOptions = true,
        description = "Disconnect and log out; the node key is discarded.")
final class LogoutCommand implements Callable<Integer> {
    @ParentCommand
    Trellis parent;

    @Override
    public Integer call() throws Exception {
        parent.api().logout();
        return ExitCode.OK.code();
    }
}
