package dev.trellis.coordinator.cmd;

import dev.trellis.coordinator.store.Node;
import dev.trellis.coordinator.store.Store;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code trellis-coordinator nodes …}. */
@Command(name = "nodes", mixinStandardHelpOptions = true, description = "Manage nodes.",
        subcommands = {NodesCommand.ListNodes.class})
final class NodesCommand {
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List nodes.")
    static final class ListNodes implements Callable<Integer> {
        @Mixin
        DataOptions data;

        @Override
        public Integer call() {
            try (Store store = data.open()) {
                System.out.printf("%-6s %-20s %-16s %-28s %-6s %s%n", "ID", "NAME", "IPV4", "IPV6", "USER", "KEY EXPIRY");
                for (Node n : store.listNodes()) {
                    System.out.printf("%-6d %-20s %-16s %-28s %-6d %s%n", n.id(), n.name(), n.ipv4().getHostAddress(),
                            n.ipv6().getHostAddress(), n.userId(), n.keyExpiry() == null ? "never" : n.keyExpiry());
                }
            }
            return 0;
        }
    }
}
