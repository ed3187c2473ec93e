package dev.trellis.daemon.state;

import dev.trellis.protocol.control.UserProfile;
import dev.trellis.protocol.key.MachinePrivateKey;
import dev.trellis.protocol.key.MachinePublicKey;
import dev.trellis.protocol.key.NodePrivateKey;
import java.time.Instant;
import java.util.Objects;

/**
 * What trellisd remembers across restarts (besides the last netmap): its keys, the login it
 * holds and the user's preferences. Replaced as a whole on every change.
 *
 * @param machineKey the machine key; generated once, never leaves this file
 * @param nodeKey the current node (WireGuard) key; null when logged out
 * @param controlUrl the coordinator's URL
 * @param serverKey the coordinator key pinned on first contact; null before it
 * @param hostname the hostname to register with; null = the OS hostname
 * @param wantRunning the user wants the tunnel up (trellis up / down)
 * @param loggedOut the user logged out: do not register until asked to
 * @param user who the node is logged in as; null when not logged in
 * @param keyExpiry when the node key expires; null = never or unknown
 * @param acceptDns point the system's resolver at MagicDNS while up ({@code trellis up
 *     --accept-dns}); absent in older files = false
 */
public record NodeState(
        MachinePrivateKey machineKey,
        NodePrivateKey nodeKey,
        String controlUrl,
        MachinePublicKey serverKey,
        String hostname,
        boolean wantRunning,
        boolean loggedOut,
        UserProfile user,
        Instant keyExpiry,
        boolean acceptDns) {

    public NodeState {
        Objects.requireNonNull(machineKey, "machineKey");
    }

    /** A fresh state: a new machine key, nothing else. */
    public static NodeState fresh() {
        return new NodeState(MachinePrivateKey.generate(), null, null, null, null, false, false, null, null, false);
    }

    public NodeState withNodeKey(NodePrivateKey key) {
        return new NodeState(machineKey, key, controlUrl, serverKey, hostname, wantRunning, loggedOut, user, keyExpiry, acceptDns);
    }

    public NodeState withControl(String url, MachinePublicKey pinned) {
        return new NodeState(machineKey, nodeKey, url, pinned, hostname, wantRunning, loggedOut, user, keyExpiry, acceptDns);
    }

    public NodeState withHostname(String name) {
        return new NodeState(machineKey, nodeKey, controlUrl, serverKey, name, wantRunning, loggedOut, user, keyExpiry, acceptDns);
    }

    public NodeState withWantRunning(boolean want) {
        return new NodeState(machineKey, nodeKey, controlUrl, serverKey, hostname, want, loggedOut, user, keyExpiry, acceptDns);
    }

    public NodeState withAcceptDns(boolean accept) {
        return new NodeState(machineKey, nodeKey, controlUrl, serverKey, hostname, wantRunning, loggedOut, user, keyExpiry,
                accept);
    }

    public NodeState withLogin(UserProfile who, Instant expiry) {
        return new NodeState(machineKey, nodeKey, controlUrl, serverKey, hostname, wantRunning, false, who, expiry, acceptDns);
    }

    /** Logged out: the node key and login are forgotten, the machine key stays. */
    public NodeState loggedOutState() {
        return new NodeState(machineKey, null, controlUrl, serverKey, hostname, false, true, null, null, acceptDns);
    }

    /** Secrets stay out of logs. */
    @Override
    public String toString() {
        return "NodeState[node=" + (nodeKey == null ? "none" : nodeKey.publicKey().shortString())
                + ", control=" + controlUrl + ", wantRunning=" + wantRunning + ", loggedOut=" + loggedOut
                + ", user=" + (user == null ? "none" : user.loginName()) + "]";
    }
}
