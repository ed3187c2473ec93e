package dev.trellis.engine.netcheck;

import dev.trellis.protocol.control.RelayMap;
import java.util.List;

/** Relay maps for tests: every relay named by an IPv4 literal, so nothing is resolved and there is no IPv6. */
final class Maps {
    private Maps() {}

    static RelayMap map(RelayMap.Region... regions) {
        return new RelayMap(List.of(regions));
    }

    static RelayMap.Region region(int id, RelayMap.Relay... relays) {
        return new RelayMap.Region(id, "r" + id, "Region " + id, List.of(relays));
    }

    static RelayMap.Relay relay(String name, String ipv4, int relayPort, int stunPort) {
        return new RelayMap.Relay(name, ipv4, ipv4, null, relayPort, stunPort, true);
    }
}
