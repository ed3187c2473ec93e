package dev.trellis.desktop;

import dev.trellis.protocol.localapi.LocalApiPaths;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The launcher's command line:
 *
 * <pre>
 * trellis-desktop [--socket PATH] [--hidden] [--tray auto|sni|xembed|none] [--theme auto|light|dark]
 *                 [--browser COMMAND] [--state-file FILE]
 * </pre>
 *
 * @param socket trellisd's LocalAPI socket
 * @param hidden start in the tray without showing the window (the window shows anyway when there
 *     is no tray)
 * @param tray which tray to use; auto picks at run time
 * @param theme light, dark, or auto (follow the desktop)
 * @param browser a command to open login pages with (the URL is its last argument); empty for the
 *     desktop's default
 * @param stateFile where to write what the app shows, as JSON, on every change (for tests and
 *     automation); null for nowhere
 */
public record DesktopOptions(Path socket, boolean hidden, String tray, String theme, List<String> browser,
        Path stateFile) {

    static final String USAGE = """
            Usage: trellis-desktop [OPTIONS]
            The Trellis tray app: connect and disconnect, log in, see your devices and their paths.

              --socket PATH       trellisd's LocalAPI socket (default: $TRELLIS_SOCKET, else %s)
              --hidden            start in the tray without opening the window
              --tray KIND         auto (default), sni (StatusNotifierItem), xembed, or none
              --theme THEME       auto (default: follow the desktop), light or dark
              --browser COMMAND   open login pages with COMMAND (words split on spaces) instead of
                                  the desktop's default browser
              --state-file FILE   write what the app shows to FILE, as JSON, on every change
              --version           print the version and exit
              --help              print this and exit
            """.formatted(LocalApiPaths.DEFAULT_SOCKET);

    public DesktopOptions {
        browser = List.copyOf(browser);
    }

    /** Thrown for a bad command line; its message says what is wrong. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /**
     * Parses {@code args}; {@code --help} and {@code --version} are the caller's (they come back as
     * null with {@code out[0]} set to "help" or "version").
     */
    static DesktopOptions parse(String[] args, String envSocket, String[] out) throws UsageException {
        String socket = envSocket != null && !envSocket.isBlank() ? envSocket : LocalApiPaths.DEFAULT_SOCKET;
        boolean hidden = false;
        String tray = "auto";
        String theme = "auto";
        List<String> browser = new ArrayList<>();
        Path stateFile = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                value = a.substring(eq + 1);
                a = a.substring(0, eq);
            }
            switch (a) {
                case "--help", "-h" -> {
                    out[0] = "help";
                    return null;
                }
                case "--version" -> {
                    out[0] = "version";
                    return null;
                }
                case "--hidden" -> {
                    if (value != null) {
                        throw new UsageException("--hidden takes no value");
                    }
                    hidden = true;
                }
                case "--socket", "--tray", "--theme", "--browser", "--state-file" -> {
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            throw new UsageException(a + " needs a value");
                        }
                        value = args[++i];
                    }
                    if (value.isBlank()) {
                        throw new UsageException(a + " needs a value");
                    }
                    switch (a) {
                        case "--socket" -> socket = value;
                        case "--tray" -> tray = oneOf(a, value, "auto", "sni", "xembed", "none");
                        case "--theme" -> theme = oneOf(a, value, "auto", "light", "dark");
                        case "--browser" -> browser = List.of(value.strip().split("\\s+"));
                        default -> stateFile = Path.of(value);
                    }
                }
                default -> throw new UsageException(a.startsWith("-") ? "unknown option " + a
                        : "unexpected argument '" + a + "' (trellis-desktop takes options only)");
            }
        }
        return new DesktopOptions(Path.of(socket), hidden, tray, theme, browser, stateFile);
    }

    private static String oneOf(String option, String value, String... allowed) throws UsageException {
        String v = value.toLowerCase(Locale.ROOT);
        for (String a : allowed) {
            if (a.equals(v)) {
                return v;
            }
        }
        throw new UsageException(option + " must be one of " + String.join(", ", allowed) + ", not '" + value + "'");
    }
}
