package dev.trellis.engine.uapi;

import dev.trellis.engine.wg.ConfigException;
import dev.trellis.engine.wg.Configurable;
import dev.trellis.engine.wg.DeviceStatus;
import dev.trellis.engine.wg.DeviceUpdate;
import dev.trellis.engine.wg.PeerStatus;
import dev.trellis.engine.wg.PeerUpdate;
import dev.trellis.protocol.key.NodePrivateKey;
import dev.trellis.protocol.key.NodePublicKey;
import dev.trellis.protocol.key.PresharedKey;
import dev.trellis.protocol.net.IpPrefix;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An in-memory device that keeps configuration the way wireguard-go does, records every update it
 * was given, and reports counters and handshake times that a test sets. Rules it follows:
 * a zero private key removes the key; setting a key drops any peer with the matching public key,
 * and updates for that peer are ignored; listen_port 0 binds a made-up ephemeral port; an allowed
 * IP belongs to one peer at a time, so adding it to one takes it from another; allowed IPs list in
 * the order they were (last) added; {@code replacePeers} removes every peer the update does not
 * name, as {@link DeviceUpdate} defines it.
 */
final class RecordingDevice implements Configurable {
    private NodePrivateKey privateKey;
    private int listenPort;
    private int fwmark;
    private final Map<NodePublicKey, Peer> peers = new LinkedHashMap<>();
    private final List<DeviceUpdate> updates = new ArrayList<>();
    private ConfigException nextFailure;
    private int nextEphemeralPort = 49152;

    @Override
    public synchronized DeviceStatus status() {
        List<PeerStatus> list = new ArrayList<>();
        for (Peer p : peers.values()) {
            list.add(new PeerStatus(p.publicKey, p.presharedKey, Optional.ofNullable(p.endpoint), p.keepalive,
                    List.copyOf(p.allowedIps), Optional.ofNullable(p.lastHandshake), p.rxBytes, p.txBytes));
        }
        return new DeviceStatus(Optional.ofNullable(privateKey), listenPort, fwmark, list);
    }

    @Override
    public synchronized void apply(DeviceUpdate update) throws ConfigException {
        updates.add(update);
        if (nextFailure != null) {
            ConfigException e = nextFailure;
            nextFailure = null;
            throw e;
        }
        update.privateKey().ifPresent(this::setPrivateKey);
        if (update.listenPort().isPresent()) {
            int port = update.listenPort().getAsInt();
            listenPort = port != 0 ? port : nextEphemeralPort++;
        }
        update.fwmark().ifPresent(mark -> fwmark = mark);
        if (update.replacePeers()) {
            Set<NodePublicKey> named = new LinkedHashSet<>();
            update.peers().forEach(p -> named.add(p.publicKey()));
            peers.keySet().retainAll(named);
        }
        for (PeerUpdate p : update.peers()) {
            applyPeer(p);
        }
    }

    private void setPrivateKey(NodePrivateKey key) {
        if (key.isZero()) {
            privateKey = null;
            return;
        }
        privateKey = key;
        peers.remove(key.publicKey());
    }

    private void applyPeer(PeerUpdate u) {
        if (privateKey != null && privateKey.publicKey().equals(u.publicKey())) {
            return;
        }
        if (u.remove()) {
            peers.remove(u.publicKey());
            return;
        }
        if (u.updateOnly() && !peers.containsKey(u.publicKey())) {
            return;
        }
        Peer p = peers.computeIfAbsent(u.publicKey(), Peer::new);
        if (u.presharedKey().isPresent()) {
            p.presharedKey = u.presharedKey().get();
        }
        if (u.endpoint().isPresent()) {
            p.endpoint = u.endpoint().get();
        }
        if (u.persistentKeepalive().isPresent()) {
            p.keepalive = u.persistentKeepalive().getAsInt();
        }
        if (u.replaceAllowedIps()) {
            p.allowedIps.clear();
        }
        for (IpPrefix prefix : u.allowedIps()) {
            for (Peer other : peers.values()) {
                other.allowedIps.remove(prefix);
            }
            p.allowedIps.add(prefix);
        }
    }

    /** Makes the next {@link #apply} fail with {@code e} without changing anything. */
    synchronized void failNextApply(ConfigException e) {
        nextFailure = e;
    }

    /** Sets a peer's counters, as if traffic had flowed. */
    synchronized void recordTraffic(NodePublicKey peer, long rxBytes, long txBytes) {
        Peer p = existing(peer);
        p.rxBytes = rxBytes;
        p.txBytes = txBytes;
    }

    /** Sets a peer's last handshake time, as if one had completed then. */
    synchronized void recordHandshake(NodePublicKey peer, Instant when) {
        existing(peer).lastHandshake = when;
    }

    /** Every update given to {@link #apply}, in order, including those that failed. */
    synchronized List<DeviceUpdate> updates() {
        return List.copyOf(updates);
    }

    private Peer existing(NodePublicKey key) {
        Peer p = peers.get(key);
        if (p == null) {
            throw new IllegalStateException("no peer " + key);
        }
        return p;
    }

    private static final class Peer {
        final NodePublicKey publicKey;
        PresharedKey presharedKey = PresharedKey.NONE;
        InetSocketAddress endpoint;
        int keepalive;
        final Set<IpPrefix> allowedIps = new LinkedHashSet<>();
        Instant lastHandshake;
        long rxBytes;
        long txBytes;

        Peer(NodePublicKey publicKey) {
            this.publicKey = publicKey;
        }
    }
}
