package dev.trellis.desktop.platform;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The app's own settings (what the daemon does not keep), in a small properties file, 0600:
 * {@code $XDG_CONFIG_HOME/trellis/desktop.properties}. A missing or unreadable file means the
 * defaults; unknown keys are kept untouched.
 */
public final class AppSettings {
    static final String CONNECT_ON_START = "connectOnStart";
    private static final long MAX_SIZE = 64 * 1024;

    private final Path file;

    public AppSettings(Path file) {
        this.file = file;
    }

    public static AppSettings atDefaultPlace() {
        return new AppSettings(ConfigFiles.configHome().resolve("trellis").resolve("desktop.properties"));
    }

    public Path file() {
        return file;
    }

    /** Whether the app asks the daemon to connect when it starts (default false). */
    public boolean connectOnStart() {
        return Boolean.parseBoolean(load().getProperty(CONNECT_ON_START, "false"));
    }

    public void setConnectOnStart(boolean v) throws IOException {
        Properties p = load();
        p.setProperty(CONNECT_ON_START, Boolean.toString(v));
        StringWriter w = new StringWriter();
        p.store(w, "Trellis desktop app settings");
        ConfigFiles.writeAtomically(file, w.toString());
    }

    private Properties load() {
        Properties p = new Properties();
        try {
            if (Files.size(file) > MAX_SIZE) {
                return p; // not ours; defaults rather than a huge read
            }
            p.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
        } catch (NoSuchFileException e) {
            // defaults
        } catch (IOException | IllegalArgumentException e) {
            // unreadable or malformed: defaults; the next save rewrites it
        }
        return p;
    }
}
