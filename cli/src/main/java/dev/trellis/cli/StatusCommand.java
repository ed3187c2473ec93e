package dev.trellis.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trellis.protocol.localapi.LocalApiJson;
import dev.trellis.protocol.localapi.Status;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code trellis status [--json]}: the table of this node and its peers, or the daemon's status
 * JSON (every field it sent, re-indented). Without {@code --json}, a node that is not up is a
 * failure with its own exit code, so scripts can test {@code trellis status >/dev/null}.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show this node and its peers.")
final class StatusCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = LocalApiJson.mapper();

    @ParentCommand
    Trellis parent;

    @Option(names = "--json", description = "print the daemon's status as JSON (LocalAPI format)")
    boolean json;

    @Override
    public Integer call() throws Exception {
        CliEnvironment env = parent.environment();
        if (json) {
            String text = parent.api().statusJson();
            JsonNode tree;
            try {
                tree = JSON.readTree(text);
            } catch (JsonProcessingException e) {
                throw new CliException(ExitCode.ERROR, "trellisd sent malformed status JSON ("
                        + e.getOriginalMessage() + "): is it a trellisd of the same version?");
            }
            if (tree == null || !tree.isObject()) {
                throw new CliException(ExitCode.ERROR, "trellisd sent status JSON that is not an object");
            }
            env.out().println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(tree));
            return ExitCode.OK.code();
        }
        Status st = parent.api().status();
        requireUp(st);
        env.out().print(StatusTable.render(st, env.clock().instant()));
        return ExitCode.OK.code();
    }

    /** Fails unless the node is Starting or Running, saying what to do. */
    static void requireUp(Status st) throws CliException {
        switch (st.backendState()) {
            case NEEDS_LOGIN -> {
                String url = st.authUrl();
                throw new CliException(ExitCode.NEEDS_LOGIN, url != null && !url.isEmpty()
                        ? "logged out: log in at " + url + " or run `trellis up`"
                        : "logged out: run `trellis up` or `trellis login`");
            }
            case NEEDS_MACHINE_AUTH -> throw new CliException(ExitCode.NEEDS_LOGIN,
                    "this node awaits approval: ask an administrator to approve it on the coordinator");
            case STOPPED -> throw new CliException(ExitCode.STOPPED, "trellis is stopped: run `trellis up`");
            case NO_STATE -> throw new CliException(ExitCode.STOPPED,
                    "trellis has not been started: run `trellis up`");
            case IN_USE_OTHER_USER -> throw new CliException(ExitCode.ERROR,
                    "trellisd is in use by another user");
            case STARTING, RUNNING -> { }
        }
    }
}
