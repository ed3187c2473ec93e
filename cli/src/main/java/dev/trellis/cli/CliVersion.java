package dev.trellis.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** This build's version, from a resource that Maven fills in at build time. */
final class CliVersion implements IVersionProvider {
    private static final String VERSION = load();

    static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = CliVersion.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version", "");
                if (!v.isEmpty() && !v.startsWith("${")) {
                    return v;
                }
            }
        } catch (IOException e) {
            // fall through to "unknown": the version is informational
        }
        return "unknown";
    }

    @Override
    public String[] getVersion() {
        return new String[] {VERSION};
    }
}
