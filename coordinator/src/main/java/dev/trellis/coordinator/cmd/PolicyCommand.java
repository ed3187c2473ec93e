package dev.trellis.coordinator.cmd;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.coordinator.admin.AdminApi;
import dev.trellis.coordinator.admin.AdminJson;
import dev.trellis.coordinator.policy.PolicyException;
import dev.trellis.coordinator.store.Store;
import dev.trellis.coordinator.store.StoredPolicy;
import dev.trellis.coordinator.tailnet.Tailnet;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code trellis-coordinator policy get|set FILE|check FILE|explain SRC DST[:PORT]}: the ACL
 * policy (HuJSON, shaped like Tailscale's; see docs/policy.md).
 */
@Command(name = "policy", mixinStandardHelpOptions = true,
        description = {"Show, set, check or explain the ACL policy (HuJSON).", "", PolicyCommand.HOW},
        subcommands = {PolicyCommand.Get.class, PolicyCommand.Set.class, PolicyCommand.Check.class,
                PolicyCommand.Explain.class})
final class PolicyCommand {
    static final String HOW = "A coordinator running on the same --data-dir is asked through its admin socket, so"
            + " its nodes get the new rules at once; when none runs, the store is read or changed directly.";
    static final String PATH = AdminApi.PREFIX + "policy";
    static final String HUJSON = "application/hujson";

    private PolicyCommand() {}

    abstract static class PolicyBase implements Callable<Integer> {
        @Mixin
        DataOptions data;

        @Spec
        CommandSpec spec;

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        PrintWriter err() {
            return spec.commandLine().getErr();
        }

        AdminClient admin() {
            return new AdminClient(data.dataDir);
        }

        static String read(Path file) throws IOException {
            if (Files.size(file) > StoredPolicy.MAX_TEXT_BYTES) {
                throw new IllegalArgumentException(file + " is larger than " + StoredPolicy.MAX_TEXT_BYTES
                        + " bytes: a policy must be smaller");
            }
            byte[] bytes = Files.readAllBytes(file);
            try {
                return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
            } catch (java.nio.charset.CharacterCodingException e) {
                throw new IllegalArgumentException(file + " is not UTF-8 text");
            }
        }

        void warnings(List<String> warnings) {
            warnings.forEach(w -> err().println("warning: " + w));
        }

        static List<String> strings(JsonNode array) {
            List<String> out = new ArrayList<>();
            if (array != null) {
                array.forEach(n -> out.add(n.asText()));
            }
            return out;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = {"Print the policy in force, exactly as it was set.", "", HOW})
    static final class Get extends PolicyBase {
        @Override
        public Integer call() throws Exception {
            Optional<byte[]> answer = admin().send("GET", PATH, null);
            String text;
            if (answer.isPresent()) {
                text = AdminJson.tree(answer.get()).at("/policy/text").asText();
            } else {
                try (Store store = data.open()) {
                    text = store.currentPolicy().map(StoredPolicy::text).orElseThrow(() -> new IllegalArgumentException(
                            "no policy is set: every node may reach every other (set one with `policy set FILE`)"));
                }
            }
            out().print(text);
            out().flush();
            return 0;
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true, description = {
            "Make FILE the policy: it is parsed and its tests run first; on any error the policy in force stays.", "", HOW})
    static final class Set extends PolicyBase {
        @Parameters(paramLabel = "FILE", description = "The policy (HuJSON).")
        Path file;

        @Override
        public Integer call() throws Exception {
            String text = read(file);
            Optional<byte[]> answer;
            try {
                answer = admin().sendText("PUT", PATH, text, HUJSON);
            } catch (dev.trellis.coordinator.admin.AdminApiException e) {
                throw "bad_policy".equals(e.code()) ? new IllegalArgumentException("policy refused: " + e.getMessage()) : e;
            }
            long version;
            if (answer.isPresent()) {
                JsonNode tree = AdminJson.tree(answer.get());
                version = tree.at("/policy/version").asLong();
                warnings(strings(tree.get("warnings")));
            } else {
                List<String> warnings = checked(text);
                try (Store store = data.open()) {
                    version = store.savePolicy(text, "cli:" + System.getProperty("user.name", "unknown")).version();
                }
                warnings(warnings);
                err().println("trellis-coordinator: no coordinator is running on " + data.dataDir
                        + ": saved the policy in the store, which the coordinator applies when it starts");
            }
            out().println("policy version " + version + " is in force");
            out().flush();
            return 0;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true, description = {
            "Parse FILE and run its tests without saving it."})
    static final class Check extends PolicyBase {
        @Parameters(paramLabel = "FILE", description = "The policy (HuJSON).")
        Path file;

        @Override
        public Integer call() throws Exception {
            warnings(checked(read(file)));
            out().println(file + ": OK");
            out().flush();
            return 0;
        }
    }

    @Command(name = "explain", mixinStandardHelpOptions = true, description = {
            "Say which rule (and line) lets SRC reach DST, or why none does. SRC and DST are node names or addresses,"
                    + " users, tags or anything else a policy selector names; DST may end in :PORT.", "",
            "Asks the running coordinator (it knows the nodes); needs one on this --data-dir."})
    static final class Explain extends PolicyBase {
        @Parameters(index = "0", paramLabel = "SRC")
        String src;

        @Parameters(index = "1", paramLabel = "DST[:PORT]")
        String dst;

        @Option(names = "--proto", paramLabel = "PROTO", description = "tcp, udp, icmp or a number (default: any)")
        String proto;

        @Override
        public Integer call() throws Exception {
            // DST[:PORT]: a bare IPv6 address has colons but no port; [v6]:port and name:port do.
            String host = dst;
            String port = null;
            int colon = dst.lastIndexOf(':');
            String suffix = colon < 0 ? "" : dst.substring(colon + 1);
            boolean bareAddress = dev.trellis.protocol.net.IpLiterals.parseAddress(dst) != null;
            if (colon > 0 && !bareAddress && !suffix.isEmpty() && suffix.chars().allMatch(Character::isDigit)) {
                host = dst.substring(0, colon);
                port = suffix;
                if (host.startsWith("[") && host.endsWith("]")) {
                    host = host.substring(1, host.length() - 1);
                }
            }
            StringBuilder q = new StringBuilder(PATH + "/explain?src=" + enc(src) + "&dst=" + enc(host));
            if (port != null) {
                q.append("&port=").append(enc(port));
            }
            if (proto != null) {
                q.append("&proto=").append(enc(proto));
            }
            Optional<byte[]> answer = admin().send("GET", q.toString(), null);
            if (answer.isEmpty()) {
                throw new IllegalArgumentException("no coordinator is running on " + data.dataDir
                        + ": explain needs the running coordinator's nodes (start it with `trellis-coordinator serve`)");
            }
            JsonNode tree = AdminJson.tree(answer.get());
            out().print(tree.get("text").asText());
            if (!tree.get("text").asText().endsWith("\n")) {
                out().println();
            }
            out().flush();
            return tree.get("allowed").asBoolean() ? 0 : 1;
        }

        private static String enc(String s) {
            return URLEncoder.encode(s, StandardCharsets.UTF_8);
        }
    }

    /** Parses and tests {@code text} here; a refusal becomes an operator's one-line error. */
    static List<String> checked(String text) {
        try {
            return Tailnet.checkPolicy(text);
        } catch (PolicyException e) {
            throw new IllegalArgumentException("policy refused: " + e.getMessage());
        }
    }
}
