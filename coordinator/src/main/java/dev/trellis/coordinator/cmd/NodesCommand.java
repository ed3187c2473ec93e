package dev.trellis.coordinator.cmd;

import dev.trellis.coordinator.admin.AdminApi;
import dev.trellis.coordinator.admin.AdminInputs;
import dev.trellis.coordinator.admin.AdminJson;
import dev.trellis.coordinator.admin.NodeView;
import dev.trellis.coordinator.store.Node;
import dev.trellis.coordinator.store.Store;
import dev.trellis.coordinator.tailnet.Tailnet;
import dev.trellis.coordinator.store.StoreNotFoundException;
import dev.trellis.coordinator.store.User;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code trellis-coordinator nodes …}. Node changes must reach a running coordinator, whose
 * connected nodes are then told at once; see {@link #HOW}.
 */
@Command(name = "nodes", mixinStandardHelpOptions = true, description = {"Manage nodes.", "", NodesCommand.HOW},
        subcommands = {NodesCommand.ListNodes.class, NodesCommand.Rename.class, NodesCommand.Expire.class,
                NodesCommand.Tag.class, NodesCommand.Delete.class})
final class NodesCommand {
    static final String HOW = "A coordinator running on the same --data-dir is asked through its admin socket"
            + " (<data-dir>/run/admin.sock; run as root or as the coordinator's user), so the nodes connected to it"
            + " learn a change at once. When none runs, the store is changed directly, and the coordinator picks"
            + " the change up when it starts.";

    private NodesCommand() {}

    /** What every node subcommand shares: where the data is, how to print, and socket-or-store. */
    abstract static class NodeCommand implements Callable<Integer> {
        @Mixin
        DataOptions data;

        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "Print JSON, as the admin API answers, instead of text.")
        boolean json;

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        /** Asks the running coordinator; if none runs, does {@code offline} on the store. */
        NodeView change(String method, String path, Object body, Function<Store, Node> offline) throws Exception {
            Optional<byte[]> answer = new AdminClient(data.dataDir).send(method, path, body);
            if (answer.isPresent()) {
                return AdminJson.field(answer.get(), "node", NodeView.class);
            }
            try (Store store = data.open()) {
                Node n = offline.apply(store);
                notRunning();
                return view(store, n);
            }
        }

        void notRunning() {
            spec.commandLine().getErr().println("trellis-coordinator: no coordinator is running on " + data.dataDir
                    + ": changed the store, which the coordinator reads when it starts");
        }

        void print(NodeView n, String text) {
            out().print(json ? new String(AdminJson.write(Map.of("node", n)), StandardCharsets.UTF_8)
                    : text + System.lineSeparator());
            out().flush();
        }

        static NodeView view(Store store, Node n) {
            return NodeView.of(n, store.userById(n.userId()).map(User::name).orElse(null), null, Instant.now());
        }

        static String path(long id, String action) {
            return AdminApi.PREFIX + "nodes/" + id + (action.isEmpty() ? "" : "/" + action);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = {"List nodes.", "", HOW})
    static final class ListNodes extends NodeCommand {
        @Override
        public Integer call() throws Exception {
            List<NodeView> nodes;
            Optional<byte[]> answer = new AdminClient(data.dataDir).send("GET", AdminApi.PREFIX + "nodes", null);
            if (answer.isPresent()) {
                nodes = AdminJson.list(answer.get(), "nodes", NodeView.class);
            } else {
                try (Store store = data.open()) {
                    Map<Long, String> users = new HashMap<>();
                    store.listUsers().forEach(u -> users.put(u.id(), u.name()));
                    Instant now = Instant.now();
                    nodes = store.listNodes().stream()
                            .map(n -> NodeView.of(n, users.get(n.userId()), null, now)).toList();
                }
            }
            if (json) {
                out().print(new String(AdminJson.write(Map.of("nodes", nodes)), StandardCharsets.UTF_8));
                out().flush();
                return 0;
            }
            Table t = new Table("ID", "NAME", "USER", "IPV4", "IPV6", "ONLINE", "LAST SEEN", "KEY EXPIRY", "TAGS");
            for (NodeView n : nodes) {
                t.row(n.id(), n.name(), n.user(), n.addresses().getFirst(), n.addresses().getLast(),
                        n.online() == null ? "-" : n.online() ? "yes" : "no",
                        Boolean.TRUE.equals(n.online()) ? "now" : Table.time(n.lastSeen(), "never"),
                        expiry(n), n.tags().isEmpty() ? "-" : String.join(",", n.tags()));
            }
            t.print(out());
            return 0;
        }
    }

    @Command(name = "rename", mixinStandardHelpOptions = true,
            description = {"Give a node a new DNS name (a DNS label, unique in the network).", "", HOW})
    static final class Rename extends NodeCommand {
        @Parameters(index = "0", paramLabel = "ID", description = "The node's id (see `nodes list`).")
        long id;

        @Parameters(index = "1", paramLabel = "NAME", description = "The new name: a-z, 0-9 and inner '-', at most 63.")
        String name;

        @Override
        public Integer call() throws Exception {
            NodeView n = change("POST", path(id, "rename"), Map.of("name", name), s -> s.renameNode(id, name));
            print(n, "renamed node " + n.id() + " to " + n.name());
            return 0;
        }
    }

    @Command(name = "expire", mixinStandardHelpOptions = true, description = {
            "Expire a node's key now (peers drop it; it must log in again), or set when it expires.", "", HOW})
    static final class Expire extends NodeCommand {
        @Parameters(index = "0", paramLabel = "ID", description = "The node's id (see `nodes list`).")
        long id;

        @ArgGroup(exclusive = true)
        When when;

        static final class When {
            @Option(names = "--at", paramLabel = "RFC3339", converter = Rfc3339.class,
                    description = "Expire at this time instead of now, e.g. 2027-01-31T12:00:00Z.")
            Instant at;

            @Option(names = "--never", description = "The key never expires.")
            boolean never;
        }

        @Override
        public Integer call() throws Exception {
            Instant at = when == null ? Instant.now() : when.never ? null : when.at;
            Map<String, Object> body = new HashMap<>();
            if (when != null) {
                body.put("at", at == null ? null : at.toString());
            }
            NodeView n = change("POST", path(id, "expire"), body, s -> s.setKeyExpiry(id, at));
            print(n, "node " + n.id() + " (" + n.name() + "): " + (n.keyExpiry() == null ? "key never expires"
                    : n.expired() ? "key expired at " + Table.time(n.keyExpiry(), "")
                    : "key expires at " + Table.time(n.keyExpiry(), "")));
            return 0;
        }
    }

    @Command(name = "tag", mixinStandardHelpOptions = true,
            description = {"Replace a node's tags (tag:name, comma-separated), or remove them with --clear.", "", HOW})
    static final class Tag extends NodeCommand {
        @Parameters(index = "0", paramLabel = "ID", description = "The node's id (see `nodes list`).")
        long id;

        @Parameters(index = "1", arity = "0..1", paramLabel = "tag:a,tag:b", split = ",",
                description = "The node's new tags.")
        List<String> tags;

        @Option(names = "--clear", description = "Remove all tags.")
        boolean clear;

        @Override
        public Integer call() throws Exception {
            if (clear == (tags != null)) {
                throw new ParameterException(spec.commandLine(), "give either tags (tag:a,tag:b) or --clear");
            }
            List<String> checked;
            try {
                checked = clear ? List.of() : AdminInputs.tags(tags);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            NodeView n = change("POST", path(id, "tags"), Map.of("tags", checked), s -> {
                Tailnet.checkTags(s, checked, null);
                return s.setTags(id, checked);
            });
            print(n, "node " + n.id() + " (" + n.name() + "): " + (n.tags().isEmpty() ? "no tags"
                    : "tags " + String.join(",", n.tags())));
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = {"Delete a node: peers drop it, and it must log in again to rejoin.", "", HOW})
    static final class Delete extends NodeCommand {
        @Parameters(index = "0", paramLabel = "ID", description = "The node's id (see `nodes list`).")
        long id;

        @Override
        public Integer call() throws Exception {
            Optional<byte[]> answer = new AdminClient(data.dataDir).send("DELETE", path(id, ""), null);
            if (answer.isEmpty()) {
                try (Store store = data.open()) {
                    if (!store.deleteNode(id)) {
                        throw new StoreNotFoundException("no node with id " + id);
                    }
                }
                notRunning();
            }
            if (!json) {
                out().println("deleted node " + id);
                out().flush();
            }
            return 0;
        }
    }

    static String expiry(NodeView n) {
        if (n.keyExpiry() == null) {
            return "never";
        }
        return (n.expired() ? "expired " : "") + Table.time(n.keyExpiry(), "");
    }
}
