package dev.trellis.engine.controlclient;

import dev.trellis.protocol.control.UserProfile;
import dev.trellis.protocol.key.MachinePublicKey;
import java.time.Instant;

/**
 * What the control client tells its owner (the daemon). Called from the client's own thread,
 * one call at a time, in the order things happened.
 */
public interface ControlListener {
    /** The coordinator's key was fetched for the first time: pin it. */
    void serverKeyPinned(MachinePublicKey key);

    /** The user must open {@code url} to log in; the client waits for that. */
    void authUrl(String url);

    /** The node is registered as {@code user}; its key expires at {@code keyExpiry} (null = never). */
    void loggedIn(UserProfile user, Instant keyExpiry);

    /** A new netmap snapshot: the first after every (re)connect is complete. */
    void netMap(NetMap map);

    /** The control connection came up or went down; the tunnels are unaffected either way. */
    void connection(boolean up, String reason);

    /**
     * The client stopped because only the user can fix what happened: a refused pre-auth key,
     * an expired node key, a login that is needed, a coordinator key that changed.
     */
    void stopped(ControlFailure failure, String message);
}
