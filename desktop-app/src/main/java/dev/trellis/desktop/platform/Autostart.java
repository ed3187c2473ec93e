package dev.trellis.desktop.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * "Start at login": an XDG autostart entry ({@code $XDG_CONFIG_HOME/autostart/trellis-desktop.desktop})
 * that starts the app hidden in the tray. The entry exists exactly when the preference is on.
 */
public final class Autostart {
    public static final String FILE_NAME = "trellis-desktop.desktop";

    private final Path file;
    private final List<String> command;

    /**
     * @param file where the entry goes
     * @param command the app's launcher and its arguments (e.g. {@code /opt/trellis/bin/trellis-desktop --hidden})
     */
    public Autostart(Path file, List<String> command) {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("the autostart command is empty");
        }
        this.file = file;
        this.command = List.copyOf(command);
    }

    public static Path defaultFile() {
        return ConfigFiles.configHome().resolve("autostart").resolve(FILE_NAME);
    }

    public Path file() {
        return file;
    }

    public boolean enabled() {
        return Files.isRegularFile(file);
    }

    public void setEnabled(boolean on) throws IOException {
        if (on) {
            ConfigFiles.writeAtomically(file, entry());
        } else {
            Files.deleteIfExists(file);
        }
    }

    /** The desktop entry's text (Desktop Entry Specification 1.5). */
    String entry() {
        StringBuilder exec = new StringBuilder();
        for (String arg : command) {
            if (!exec.isEmpty()) {
                exec.append(' ');
            }
            exec.append(quote(arg));
        }
        return "[Desktop Entry]\n"
                + "Type=Application\n"
                + "Name=Trellis\n"
                + "Comment=Trellis mesh VPN in the tray\n"
                + "Exec=" + exec + "\n"
                + "Terminal=false\n"
                + "Categories=Network;\n"
                + "X-GNOME-Autostart-enabled=true\n";
    }

    /**
     * An Exec argument: as is when it needs no quoting, else in double quotes with {@code " ` $ \}
     * escaped; then every backslash doubled again and {@code %} doubled, as the entry's string
     * value and field codes require.
     */
    static String quote(String arg) {
        if (arg.indexOf('\n') >= 0 || arg.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a line break can't be in an autostart command");
        }
        boolean plain = !arg.isEmpty() && arg.chars().allMatch(c -> Character.isLetterOrDigit(c) || "/._-=+,:@".indexOf(c) >= 0);
        String s = arg;
        if (!plain) {
            StringBuilder b = new StringBuilder("\"");
            for (char c : arg.toCharArray()) {
                if (c == '"' || c == '`' || c == '$' || c == '\\') {
                    b.append('\\');
                }
                b.append(c);
            }
            s = b.append('"').toString();
        }
        return s.replace("\\", "\\\\").replace("%", "%%");
    }
}
