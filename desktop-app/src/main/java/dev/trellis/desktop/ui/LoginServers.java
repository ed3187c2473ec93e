package dev.trellis.desktop.ui;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** What the Preferences dialog accepts as a login server: nothing (the default) or an http(s) URL with a host. */
final class LoginServers {
    static final int MAX_LENGTH = 2048;

    private LoginServers() {}

    /** What is wrong with {@code text} as a login server, in words for the user; null when it is fine. */
    static String problem(String text) {
        String s = text == null ? "" : text.strip();
        if (s.isEmpty()) {
            return null;
        }
        if (s.length() > MAX_LENGTH) {
            return "That is too long for a URL (over " + MAX_LENGTH + " characters)";
        }
        URI uri;
        try {
            uri = new URI(s);
        } catch (URISyntaxException e) {
            return "Not a URL: " + e.getReason().toLowerCase(Locale.ROOT);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            return "Use an https:// (or http://) URL, e.g. https://login.example.com";
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            return "The URL needs a host name, e.g. https://login.example.com";
        }
        return null;
    }
}
