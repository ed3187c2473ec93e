package dev.trellis.coordinator.policy;

import static dev.trellis.coordinator.policy.JsonShapes.array;
import static dev.trellis.coordinator.policy.JsonShapes.keys;
import static dev.trellis.coordinator.policy.JsonShapes.nonEmpty;
import static dev.trellis.coordinator.policy.JsonShapes.object;
import static dev.trellis.coordinator.policy.JsonShapes.required;
import static dev.trellis.coordinator.policy.JsonShapes.string;
import static dev.trellis.coordinator.policy.JsonShapes.strings;

import dev.trellis.coordinator.policy.JsonValue.Field;
import dev.trellis.coordinator.policy.JsonValue.JObject;
import dev.trellis.coordinator.policy.JsonValue.JString;
import dev.trellis.protocol.net.IpPrefix;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns the HuJSON tree into definitions, rules and tests, refusing anything that could silently
 * widen or narrow access: unknown keys, undefined groups, tags or hosts, nested groups, bad
 * ports, and autogroup:self with sources that are not users.
 */
final class PolicyParser {
    static final List<String> SECTIONS = List.of("groups", "hosts", "tagOwners", "acls", "tests");
    private static final Set<String> TAILSCALE_ONLY = Set.of("grants", "ssh", "sshTests", "nodeAttrs", "autoApprovers",
            "postures", "defaultSrcPosture", "ipsets", "derpMap", "disableIPv4", "randomizeClientPort",
            "OneCGNATRoute", "attrs");
    private static final List<String> RULE_KEYS = List.of("action", "src", "dst", "proto");
    private static final List<String> TEST_KEYS = List.of("src", "proto", "accept", "deny");
    private static final Set<String> OWNER_AUTOGROUPS = Set.of("autogroup:admin", "autogroup:owner",
            "autogroup:member", "autogroup:it-admin", "autogroup:network-admin");

    /** @param logins every user login the policy names (groups, tag owners, rules, tests) */
    record Parsed(Definitions definitions, List<Rule> rules, List<Expectation> tests, boolean hasAcls,
            List<String> warnings, Set<String> logins) {}

    private final List<String> warnings = new ArrayList<>();
    private final Set<String> logins = new TreeSet<>();
    /** Users named without '@' in rules and tests, which could also be mistyped host names. */
    private final Set<String> bareNames = new TreeSet<>();

    static Parsed parse(JsonValue root) throws PolicyException {
        return new PolicyParser().run(root);
    }

    private Parsed run(JsonValue root) throws PolicyException {
        JObject top = object(root, "the policy");
        Map<String, Field> sections = new LinkedHashMap<>();
        for (Field f : top.fields()) {
            if (!SECTIONS.contains(f.key())) {
                throw PolicyException.at(f, TAILSCALE_ONLY.contains(f.key())
                        ? "\"" + f.key() + "\" is a Tailscale policy section that Trellis does not support: remove it"
                        : "unknown key \"" + f.key() + "\"" + Names.suggest(f.key(), SECTIONS)
                                + ": a policy has only groups, hosts, tagOwners, acls and tests");
            }
            sections.put(f.key(), f);
        }
        Map<String, Set<String>> groups = groups(sections.get("groups"));
        Map<String, IpPrefix> hosts = hosts(sections.get("hosts"));
        Map<String, List<String>> tagOwners = tagOwners(sections.get("tagOwners"), groups);
        Definitions defs = new Definitions(groups, hosts, tagOwners);
        for (String host : hosts.keySet()) {
            if (groups.values().stream().anyMatch(m -> m.contains(host))) {
                warnings.add("host \"" + host + "\" has the name of a user in a group; in acls it means the host: "
                        + "write " + host + "@ to mean the user");
            }
        }
        Field acls = sections.get("acls");
        List<Rule> rules = acls == null ? List.of() : rules(acls, defs);
        if (acls == null) {
            warnings.add("no \"acls\": every node may reach every other, as with no policy; write \"acls\": [] "
                    + "to deny everything");
        }
        List<Expectation> tests = sections.containsKey("tests") ? tests(sections.get("tests"), defs) : List.of();
        if (!hosts.isEmpty()) {
            for (String bare : bareNames) {
                warnings.add("'" + bare + "' is not in \"hosts\", so it is read as the user " + bare + "; write " + bare
                        + "@ to say so");
            }
        }
        return new Parsed(defs, rules, tests, acls != null, List.copyOf(warnings), Set.copyOf(logins));
    }

    private Map<String, Set<String>> groups(Field section) throws PolicyException {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        if (section == null) {
            return out;
        }
        for (Field g : object(section.value(), "\"groups\"").fields()) {
            if (!Definitions.GROUP.matcher(g.key()).matches()) {
                throw PolicyException.at(g, "group name \"" + g.key() + "\" must be group: followed by letters, "
                        + "digits, '.', '-' or '_', e.g. group:eng");
            }
            Set<String> members = new LinkedHashSet<>();
            for (JString m : strings(g.value(), g.key())) {
                String v = m.value();
                if (v.startsWith("group:")) {
                    throw PolicyException.at(m, g.key() + " lists " + v + ", but groups cannot contain groups: list "
                            + v + "'s members instead");
                }
                if (v.startsWith("tag:") || v.startsWith("autogroup:") || v.equals("*")) {
                    throw PolicyException.at(m, g.key() + " lists " + v + ", but a group holds users only");
                }
                try {
                    members.add(Definitions.login(v));
                    logins.add(Definitions.login(v));
                } catch (IllegalArgumentException e) {
                    throw PolicyException.at(m, e.getMessage());
                }
            }
            if (members.isEmpty()) {
                warnings.add(g.key() + " has no members, so rules naming it select nobody");
            }
            out.put(g.key(), Set.copyOf(members));
        }
        return out;
    }

    private Map<String, IpPrefix> hosts(Field section) throws PolicyException {
        Map<String, IpPrefix> out = new LinkedHashMap<>();
        if (section == null) {
            return out;
        }
        for (Field h : object(section.value(), "\"hosts\"").fields()) {
            String name = h.key();
            if (!Definitions.HOST.matcher(name).matches() || name.matches("[0-9.]+")) {
                throw PolicyException.at(h, "host name \"" + name + "\" must be letters, digits, '.', '-' or '_' "
                        + "(and not an IP address)");
            }
            JString value = string(h.value(), "host " + name);
            try {
                IpPrefix p = Definitions.prefix(value.value());
                if (p == null) {
                    throw new IllegalArgumentException("host " + name + " must be an IP address or CIDR prefix, e.g. "
                            + "100.64.0.7 or 198.18.0.0/24; got \"" + value.value() + "\"");
                }
                out.put(name, p);
            } catch (IllegalArgumentException e) {
                throw PolicyException.at(value, e.getMessage());
            }
        }
        return out;
    }

    private Map<String, List<String>> tagOwners(Field section, Map<String, Set<String>> groups) throws PolicyException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (section == null) {
            return out;
        }
        JObject obj = object(section.value(), "\"tagOwners\"");
        for (Field t : obj.fields()) {
            if (!Definitions.TAG.matcher(t.key()).matches()) {
                throw PolicyException.at(t, "tag name \"" + t.key() + "\" must be tag: followed by letters, digits, "
                        + "'-' or '_', e.g. tag:server");
            }
            out.put(t.key(), null);
        }
        for (Field t : obj.fields()) {
            List<String> owners = new ArrayList<>();
            for (JString o : strings(t.value(), t.key())) {
                String v = o.value();
                if (v.startsWith("group:") && !groups.containsKey(v)) {
                    throw PolicyException.at(o, v + " is not defined: add it to \"groups\"");
                } else if (v.startsWith("tag:") && !out.containsKey(v)) {
                    throw PolicyException.at(o, v + " is not defined: add it to \"tagOwners\"");
                } else if (v.startsWith("autogroup:") && !OWNER_AUTOGROUPS.contains(v)) {
                    throw PolicyException.at(o, "a tag owner may be autogroup:admin, autogroup:owner, "
                            + "autogroup:member, autogroup:it-admin or autogroup:network-admin, not " + v);
                } else if (!v.contains(":")) {
                    try {
                        v = Definitions.login(v);
                        logins.add(v);
                    } catch (IllegalArgumentException e) {
                        throw PolicyException.at(o, e.getMessage());
                    }
                }
                owners.add(v);
            }
            out.put(t.key(), List.copyOf(owners));
        }
        return out;
    }

    private List<Rule> rules(Field section, Definitions defs) throws PolicyException {
        List<Rule> rules = new ArrayList<>();
        for (JsonValue item : array(section.value(), "\"acls\"").items()) {
            JObject r = object(item, "an acls entry");
            Map<String, Field> keys = keys(r, RULE_KEYS, "an acls entry", "action, src, dst and proto");
            Field action = required(r, keys, "action", "\"action\": \"accept\"");
            JString a = string(action.value(), "action");
            if (!a.value().equals("accept")) {
                throw PolicyException.at(a, "action must be \"accept\" (everything not accepted is denied); got \""
                        + a.value() + "\"");
            }
            List<Rule.Src> src = new ArrayList<>();
            for (JString s : nonEmpty(required(r, keys, "src", "\"src\": [\"group:eng\"]"), "src")) {
                try {
                    src.add(new Rule.Src(s.value(), named(s.value(), defs.src(s.value())), s.line(), s.column()));
                } catch (IllegalArgumentException e) {
                    throw PolicyException.at(s, withPort(s.value(), defs) ? "a source has no port: write '"
                            + splitPort(s.value())[0] + "' (ports belong to destinations)" : e.getMessage());
                }
            }
            List<Integer> protos = List.of();
            String protoText = null;
            if (keys.containsKey("proto")) {
                JString p = string(keys.get("proto").value(), "proto");
                protoText = p.value();
                protos = proto(p);
            }
            List<Rule.Dst> dst = new ArrayList<>();
            for (JString d : nonEmpty(required(r, keys, "dst", "\"dst\": [\"tag:server:22\"]"), "dst")) {
                Rule.Dst entry = dst(d, defs, protos);
                named(entry.target(), entry.selector());
                dst.add(entry);
            }
            if (dst.stream().anyMatch(d -> d.selector() instanceof Selector.Self)) {
                for (Rule.Src s : src) {
                    Selector sel = s.selector();
                    if (!(sel instanceof Selector.User || sel instanceof Selector.Group || sel instanceof Selector.Member)) {
                        throw new PolicyException(s.line(), s.column(), "a rule with autogroup:self in dst needs sources "
                                + "that are users (users, groups or autogroup:member), but '" + s.text()
                                + "' is not; give '" + s.text() + "' its own rule");
                    }
                }
            }
            rules.add(new Rule(rules.size(), r.line(), src, dst, protos, protoText));
        }
        return List.copyOf(rules);
    }

    private static Rule.Dst dst(JString d, Definitions defs, List<Integer> protos) throws PolicyException {
        String text = d.value();
        try {
            String[] parts = splitPort(text);
            Selector sel;
            try {
                sel = defs.dst(parts[0]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(missingPort(text, defs) ? noPort(text) : e.getMessage());
            }
            List<Ports.Span> ports;
            try {
                ports = Ports.parse(parts[1]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(missingPort(text, defs) ? noPort(text) : e.getMessage());
            }
            if (!ports.equals(Ports.ALL) && !protos.isEmpty() && !protos.stream().allMatch(Protocols::hasPorts)) {
                throw new IllegalArgumentException("ports apply only to tcp, udp and sctp; with this rule's proto write "
                        + parts[0] + ":*");
            }
            return new Rule.Dst(text, parts[0], sel, ports, d.line(), d.column());
        } catch (IllegalArgumentException e) {
            throw PolicyException.at(d, e.getMessage());
        }
    }

    /** Whether {@code text} is a valid selector followed by a port, as a destination would be. */
    private static boolean withPort(String text, Definitions defs) {
        try {
            String[] parts = splitPort(text);
            defs.src(parts[0]);
            Ports.parse(parts[1]);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean missingPort(String text, Definitions defs) {
        try {
            defs.dst(text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String noPort(String text) {
        String t = text.indexOf(':') >= 0 && !text.startsWith("[") && isIp(text) ? "[" + text + "]" : text;
        return "'" + text + "' has no port: write " + t + ":* for all ports, or e.g. " + t + ":22";
    }

    private static boolean isIp(String text) {
        try {
            IpPrefix.parse(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Splits {@code target:ports} at the last ':'; {@code [v6]:ports} is accepted too. */
    static String[] splitPort(String text) {
        if (text.startsWith("[")) {
            int close = text.indexOf("]:");
            if (close < 0) {
                throw new IllegalArgumentException("'" + text + "' has no port: write e.g. [fd7a:115c:a1e0::1]:22");
            }
            return new String[] {text.substring(1, close), text.substring(close + 2)};
        }
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("'" + text + "' has no port: write " + text + ":* for all ports, or e.g. "
                    + text + ":22");
        }
        return new String[] {text.substring(0, colon), text.substring(colon + 1)};
    }

    private static List<Integer> proto(JString p) throws PolicyException {
        try {
            return Protocols.parse(p.value());
        } catch (IllegalArgumentException e) {
            throw PolicyException.at(p, e.getMessage());
        }
    }

    private List<Expectation> tests(Field section, Definitions defs) throws PolicyException {
        List<Expectation> out = new ArrayList<>();
        for (JsonValue item : array(section.value(), "\"tests\"").items()) {
            JObject t = object(item, "a tests entry");
            Map<String, Field> keys = keys(t, TEST_KEYS, "a tests entry", "src, proto, accept and deny");
            JString src = string(required(t, keys, "src", "\"src\": \"alice@example.com\"").value(), "src");
            Subject subject;
            try {
                subject = named(src.value(), defs.subject(src.value()));
            } catch (IllegalArgumentException e) {
                throw PolicyException.at(src, e.getMessage());
            }
            List<Integer> protos = keys.containsKey("proto") ? proto(string(keys.get("proto").value(), "proto"))
                    : List.of(Protocols.TCP);
            if (!keys.containsKey("accept") && !keys.containsKey("deny")) {
                throw PolicyException.at(t, "a test needs \"accept\" or \"deny\" (or both), else it tests nothing");
            }
            out.add(new Expectation(out.size(), t.line(), src.value(), subject, protos,
                    cases(keys.get("accept"), defs), cases(keys.get("deny"), defs)));
        }
        return List.copyOf(out);
    }

    /** Notes the user a selector names, if it names one. */
    private Selector named(String text, Selector s) {
        if (s instanceof Selector.User u) {
            logins.add(u.login());
            if (text.indexOf('@') < 0) {
                bareNames.add(text);
            }
        }
        return s;
    }

    private Subject named(String text, Subject s) {
        if (s.userLogin() != null) {
            named(text, new Selector.User(s.userLogin()));
        }
        return s;
    }

    private List<Expectation.Case> cases(Field f, Definitions defs) throws PolicyException {
        List<Expectation.Case> out = new ArrayList<>();
        if (f == null) {
            return out;
        }
        for (JString c : strings(f.value(), f.key())) {
            try {
                String[] parts = splitPort(c.value());
                String p = parts[1];
                if (p.isEmpty() || p.length() > 5 || !p.chars().allMatch(ch -> ch >= '0' && ch <= '9')
                        || Integer.parseInt(p) > 65535) {
                    throw new IllegalArgumentException("a test destination needs one port 0-65535, e.g. "
                            + parts[0] + ":22; got '" + p + "'");
                }
                out.add(new Expectation.Case(c.value(), named(parts[0], defs.subject(parts[0])), Integer.parseInt(p),
                        c.line(), c.column()));
            } catch (IllegalArgumentException e) {
                throw PolicyException.at(c, e.getMessage());
            }
        }
        return out;
    }
}
