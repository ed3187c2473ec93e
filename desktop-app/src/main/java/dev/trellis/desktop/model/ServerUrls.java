package dev.trellis.desktop.model;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The one rule for URLs the app hands on, a login server the user types or a login page the
 * daemon announces: an http or https URL with a host. Nothing else (file:, a command) is ever
 * opened or sent.
 */
public final class ServerUrls {
    private static final String EXAMPLE = "e.g. https://login.example.com";

    private ServerUrls() {}

    /** What is wrong with {@code url}, in words for the user; null when it is fine. */
    public static String problem(String url) {
        String s = url == null ? "" : url.strip();
        URI uri;
        try {
            uri = new URI(s);
        } catch (URISyntaxException e) {
            return "Not a URL (" + e.getReason().toLowerCase(Locale.ROOT) + "): use an http:// or https:// URL with a host, "
                    + EXAMPLE;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            return "Use an http:// or https:// URL, " + EXAMPLE;
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            return "The URL needs a host name, " + EXAMPLE;
        }
        return null;
    }
}
