package dev.trellis.cli;

import dev.trellis.protocol.localapi.Options;
import dev.trellis.protocol.localapi.Prefs;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code trellis up}: connect, logging in first if needed; returns once the node is Running.
 * Sends {@code start} with {@code UpdatePrefs {ControlURL?, Hostname?, WantRunning: true,
 * LoggedOut: false}}; prefs not given keep their current values.
 */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Connect this node to the network, logging in if needed.")
final class UpCommand implements Callable<Integer> {
    @ParentCommand
    Trellis parent;

    @Option(names = "--login-server", paramLabel = "URL", converter = Arguments.LoginServer.class,
            description = "the coordinator's URL (default: keep the current one)")
    String loginServer;

    @Option(names = "--auth-key", paramLabel = "KEY",
            description = "log in without a browser with this pre-authorised key, or file:PATH to read it from a file")
    String authKey;

    @Option(names = "--hostname", paramLabel = "NAME", converter = Arguments.Hostname.class,
            description = "the name to register (default: the OS hostname)")
    String hostname;

    @Option(names = "--accept-dns", arity = "0..1", paramLabel = "BOOL", fallbackValue = "true",
            description = "Point this system's DNS at MagicDNS (100.100.100.100) while up, so peers' names resolve;"
                    + " --accept-dns=false undoes it. Default: leave the setting as it is (initially off).")
    Boolean acceptDns;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = GoDuration.Converter.class,
            defaultValue = "0s", description = "give up if not Running after this long, e.g. 30s (default: wait forever)")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        String key = Arguments.authKey(authKey);
        Prefs prefs = Prefs.builder()
                .controlUrl(loginServer)
                .hostname(hostname)
                .corpDns(acceptDns)
                .wantRunning(true)
                .loggedOut(false)
                .build();
        CliEnvironment env = parent.environment();
        new LoginFlow(parent.api(), env.err(), null, timeout).run(new Options(key, prefs), false);
        return ExitCode.OK.code();
    }
}
