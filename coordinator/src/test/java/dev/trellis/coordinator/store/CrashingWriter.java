package dev.trellis.coordinator.store;

import dev.trellis.protocol.key.MachinePublicKey;
import dev.trellis.protocol.key.NodePublicKey;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;

/**
 * Child JVM for the kill -9 test: registers nodes as fast as it can and prints
 * {@code committed <id>} after each registration returns, until the test kills it.
 *
 * <p>Arguments: JDBC URL or "-" (SQLite), data directory or "-", user id.
 */
public final class CrashingWriter {
    static final String COMMITTED = "committed ";
    private static final int MAX_NODES = 100_000;

    private CrashingWriter() {}

    public static void main(String[] args) {
        String url = "-".equals(args[0]) ? null : args[0];
        Path dataDir = "-".equals(args[1]) ? null : Path.of(args[1]);
        long userId = Long.parseLong(args[2]);
        SecureRandom random = new SecureRandom();
        Store store = Stores.open(url, dataDir);
        for (int i = 0; i < MAX_NODES; i++) {
            Node node = store.registerNode(new NodeRegistration(MachinePublicKey.fromBytes(bytes(random)),
                    NodePublicKey.fromBytes(bytes(random)), null, "crash-" + i, "{}", List.of("127.0.0.1:41641"),
                    null, new NodeRegistration.UserLogin(userId, List.of())));
            System.out.println(COMMITTED + node.id());
            System.out.flush();
        }
    }

    private static byte[] bytes(SecureRandom random) {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return b;
    }
}
