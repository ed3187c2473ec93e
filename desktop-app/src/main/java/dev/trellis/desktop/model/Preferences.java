package dev.trellis.desktop.model;

/**
 * What the Preferences window edits. The first two live in the daemon (its prefs); the last two
 * are the app's own (an XDG autostart entry, and a file in the user's config directory).
 *
 * @param loginServer the coordinator's URL ({@code ControlURL}); empty means the daemon's default
 * @param acceptDns whether the daemon points this computer's resolver at MagicDNS ({@code CorpDNS})
 * @param startAtLogin whether the app starts when the user logs in to the desktop
 * @param connectOnStart whether the app asks the daemon to connect when it starts
 */
public record Preferences(String loginServer, boolean acceptDns, boolean startAtLogin, boolean connectOnStart) {
    public Preferences {
        loginServer = loginServer == null ? "" : loginServer.strip();
    }
}
