package dev.trellis.cli;

import dev.trellis.protocol.localapi.MaskedPrefs;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code trellis down}: {@code PATCH prefs {WantRunning: false, WantRunningSet: true}}. */
@Command(name = "down", mixinStandardHelpOptions = true,
        description = "Disconnect this node; it stays logged in (`trellis up` reconnects).")
final class DownCommand implements Callable<Integer> {
    @ParentCommand
    Trellis parent;

    @Override
    public Integer call() throws Exception {
        parent.api().editPrefs(MaskedPrefs.builder().wantRunning(false).build());
        return ExitCode.OK.code();
    }
}
