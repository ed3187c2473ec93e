package dev.trellis.cli;

import dev.trellis.protocol.localapi.Options;
import dev.trellis.protocol.localapi.Prefs;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code trellis login}: log in (again) and connect. Without an auth key it always asks for a
 * login URL, prints it and, in a desktop session (DISPLAY or WAYLAND_DISPLAY set), opens it
 * with xdg-open.
 */
@Command(name = "login", mixinStandardHelpOptions = true,
        description = "Log in to the network (opens a browser in a desktop session) and connect.")
final class LoginCommand implements Callable<Integer> {
    @ParentCommand
    Trellis parent;

    @Option(names = "--login-server", paramLabel = "URL", converter = Arguments.LoginServer.class,
            description = "the coordinator's URL (default: keep the current one)")
    String loginServer;

    @Option(names = "--auth-key", paramLabel = "KEY",
            description = "log in without a browser with this pre-authorised key, or file:PATH to read it from a file")
    String authKey;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = GoDuration.Converter.class,
            defaultValue = "0s", description = "give up if not Running after this long, e.g. 5m (default: wait forever)")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        String key = Arguments.authKey(authKey);
        Prefs prefs = Prefs.builder().controlUrl(loginServer).wantRunning(true).loggedOut(false).build();
        CliEnvironment env = parent.environment();
        Browser browser = env.hasDesktop() ? env.browser() : null;
        new LoginFlow(parent.api(), env.err(), browser, timeout).run(new Options(key, prefs), true);
        return ExitCode.OK.code();
    }
}
