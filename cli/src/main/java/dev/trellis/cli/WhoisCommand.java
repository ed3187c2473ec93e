package dev.trellis.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trellis.protocol.localapi.LocalApiJson;
import dev.trellis.protocol.localapi.NetMapNode;
import dev.trellis.protocol.localapi.UserProfile;
import dev.trellis.protocol.localapi.WhoIsResponse;
import dev.trellis.protocol.net.IpPrefix;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code trellis whois [--json] IP[:port]}: the node that owns a tunnel address and its user, as
 * the daemon's LocalAPI {@code whois} answers it. A server inside the tunnel uses this to learn
 * who a connection comes from.
 */
@Command(name = "whois", mixinStandardHelpOptions = true,
        description = "Show the node and user behind a Trellis address.")
final class WhoisCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = LocalApiJson.mapper();

    @ParentCommand
    Trellis parent;

    @Option(names = "--json", description = "print the daemon's answer as JSON (LocalAPI format)")
    boolean json;

    @Parameters(paramLabel = "IP[:PORT]", description = "a Trellis address, optionally with a port")
    String addr;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = parent.environment().out();
        if (json) {
            String text = parent.api().whoisJson(addr);
            try {
                out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(text)));
            } catch (JsonProcessingException e) {
                throw new CliException(ExitCode.ERROR, "trellisd sent malformed whois JSON (" + e.getOriginalMessage() + ")");
            }
            return ExitCode.OK.code();
        }
        WhoIsResponse who = parent.api().whois(addr);
        out.print(render(who));
        return ExitCode.OK.code();
    }

    static String render(WhoIsResponse who) {
        StringBuilder b = new StringBuilder();
        NetMapNode n = who.node();
        if (n != null) {
            b.append("Machine:\n");
            line(b, "Name", n.name() == null ? "" : n.name().replaceAll("\\.$", ""));
            line(b, "ID", n.stableId());
            line(b, "Addresses", n.addresses().stream().map(IpPrefix::toString).collect(Collectors.joining(" ")));
            if (!n.tags().isEmpty()) {
                line(b, "Tags", String.join(" ", n.tags()));
            }
            if (n.hostinfo() != null && n.hostinfo().os() != null) {
                line(b, "OS", n.hostinfo().os());
            }
        }
        UserProfile u = who.userProfile();
        if (u != null && (n == null || n.tags().isEmpty())) {
            b.append("User:\n");
            line(b, "Name", u.loginName());
            if (u.displayName() != null && !u.displayName().isEmpty() && !u.displayName().equals(u.loginName())) {
                line(b, "Display", u.displayName());
            }
            line(b, "ID", Long.toString(u.id()));
        }
        return b.toString();
    }

    private static void line(StringBuilder b, String key, String value) {
        b.append("  ").append(String.format("%-11s", key + ":")).append(TerminalText.oneLine(value == null ? "" : value))
                .append('\n');
    }
}
