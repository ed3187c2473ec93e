package dev.trellis.coordinator.admin;

import dev.trellis.coordinator.store.Node;
import dev.trellis.coordinator.store.NodeRegistration;
import dev.trellis.coordinator.store.Store;
import dev.trellis.protocol.key.MachinePrivateKey;
import dev.trellis.protocol.key.NodePrivateKey;
import java.util.List;

/** Nodes registered straight into a store, as an interactive login would. */
public final class TestNodes {
    private TestNodes() {}

    public static Node register(Store store, long userId, String hostname) {
        return store.registerNode(new NodeRegistration(MachinePrivateKey.generate().publicKey(),
                NodePrivateKey.generate().publicKey(), null, hostname, null, List.of(), null,
                new NodeRegistration.UserLogin(userId, List.of())));
    }
}
