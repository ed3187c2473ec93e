package dev.trellis.cli;

import dev.trellis.protocol.localapi.client.LocalApi;
import dev.trellis.protocol.localapi.client.UnixSocketLocalApi;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.function.Function;

/**
 * What the commands touch outside themselves, so that tests can replace all of it.
 *
 * @param out standard output (results)
 * @param err standard error (progress, login URLs, the one-line failure)
 * @param connector the LocalAPI client for a socket path
 * @param env environment variables
 * @param clock for "3s ago"
 * @param browser opens login URLs
 */
record CliEnvironment(
        PrintWriter out,
        PrintWriter err,
        Function<Path, LocalApi> connector,
        Map<String, String> env,
        Clock clock,
        Browser browser) {

    static CliEnvironment system() {
        Charset cs = System.out.charset();
        return new CliEnvironment(
                new PrintWriter(System.out, true, cs),
                new PrintWriter(System.err, true, System.err.charset()),
                socket -> new UnixSocketLocalApi(socket, "trellis-cli/" + CliVersion.get()),
                System.getenv(),
                Clock.systemUTC(),
                Browser.xdgOpen());
    }

    /** Whether a graphical session is available to open a browser in. */
    boolean hasDesktop() {
        return !env.getOrDefault("DISPLAY", "").isEmpty() || !env.getOrDefault("WAYLAND_DISPLAY", "").isEmpty();
    }
}
