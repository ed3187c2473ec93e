package dev.trellis.coordinator.tailnet;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trellis.coordinator.store.Node;
import dev.trellis.coordinator.store.User;
import dev.trellis.protocol.control.ControlCodec;
import dev.trellis.protocol.control.Hostinfo;
import dev.trellis.protocol.control.UserProfile;
import dev.trellis.protocol.net.IpPrefix;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

/** Turns stored nodes and users into the control protocol's view of them. */
final class NodeViews {
    private static final ObjectMapper JSON = ControlCodec.mapper();

    private NodeViews() {}

    static dev.trellis.protocol.control.Node view(Node n, Instant now) {
        List<IpPrefix> addresses = List.of(IpPrefix.host(n.ipv4()), IpPrefix.host(n.ipv6()));
        Hostinfo host = hostinfo(n.hostinfoJson());
        return new dev.trellis.protocol.control.Node(n.id(), n.stableId(), n.name(), n.userId(), n.nodeKey(),
                n.keyExpiry(), n.discoKey(), addresses, addresses, n.endpoints(), homeRelay(host), host,
                n.created(), n.lastSeen(), null, n.tags(), n.keyExpiredAt(now));
    }

    /** The node's home relay region is the one its netcheck prefers; null when it has none. */
    private static Integer homeRelay(Hostinfo host) {
        if (host == null || host.netInfo() == null || host.netInfo().preferredRelay() <= 0) {
            return null;
        }
        return host.netInfo().preferredRelay();
    }

    static UserProfile profile(User u) {
        String display = u.displayName() == null || u.displayName().isBlank() ? u.loginName() : u.displayName();
        return new UserProfile(u.id(), u.loginName(), display);
    }

    static Hostinfo hostinfo(String json) {
        if (json == null || json.isEmpty()) {
            return null;
        }
        try {
            return JSON.readValue(json, Hostinfo.class);
        } catch (IOException e) {
            return null; // stored by us from a parsed message; unreadable means an old format
        }
    }

    static String hostinfoJson(Hostinfo h) {
        if (h == null) {
            return null;
        }
        try {
            return JSON.writeValueAsString(h);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
