package dev.trellis.desktop.ui;

import dev.trellis.desktop.model.ServerUrls;

/**
 * What the Preferences dialog accepts as a login server: nothing (the default), or a URL of
 * reasonable length that {@link ServerUrls} accepts.
 */
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
        return ServerUrls.problem(s);
    }
}
