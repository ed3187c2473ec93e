package dev.trellis.coordinator.policy;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A parsed, validated and self-tested ACL policy: immutable and thread-safe. Parsing fails with a
 * positioned {@link PolicyException} on any syntax error, unknown key, undefined name or failing
 * test, so a policy that exists is one whose tests pass.
 *
 * <p>A policy without an {@code "acls"} key allows everything (as having no policy does, and as
 * in Tailscale and headscale); {@code "acls": []} denies everything.
 */
public final class Policy {
    private final String text;
    private final Definitions definitions;
    private final List<Rule> rules;
    private final boolean allowsAll;
    private final List<String> warnings;
    private final Set<String> logins;
    private final RuleIndex index;

    private Policy(String text, PolicyParser.Parsed parsed) {
        this.text = text;
        this.definitions = parsed.definitions();
        this.rules = parsed.rules();
        this.allowsAll = !parsed.hasAcls();
        this.warnings = parsed.warnings();
        this.logins = parsed.logins();
        this.index = new RuleIndex(rules);
    }

    /** Parses, validates and runs the policy's tests. At most 1 MiB of strict UTF-8. */
    public static Policy parse(byte[] utf8) throws PolicyException {
        Objects.requireNonNull(utf8, "utf8");
        return build(HuJson.decode(utf8));
    }

    /** Parses, validates and runs the policy's tests. */
    public static Policy parse(String text) throws PolicyException {
        Objects.requireNonNull(text, "text");
        byte[] utf8 = HuJson.encode(text);
        if (utf8.length > HuJson.MAX_BYTES) {
            HuJson.decode(utf8); // refuses it as too large, as for bytes
        }
        return build(text);
    }

    private static Policy build(String text) throws PolicyException {
        PolicyParser.Parsed parsed = PolicyParser.parse(HuJson.parse(text));
        Policy p = new Policy(text, parsed);
        p.runTests(parsed.tests());
        return p;
    }

    /** The exact text the policy was parsed from (decoded, with a leading byte-order mark if it had one). */
    public String text() {
        return text;
    }

    /** Things that are legal but probably not meant, e.g. an empty group. */
    public List<String> warnings() {
        return warnings;
    }

    /** True when the policy has no {@code "acls"} key, so every connection is allowed. */
    public boolean allowsAll() {
        return allowsAll;
    }

    /**
     * Every user login the policy names, in groups, tag owners, rules and tests: a login with no
     * such user (a typo, or someone who has not logged in yet) selects nobody, which a caller
     * that knows the users can point out.
     */
    public Set<String> userLogins() {
        return logins;
    }

    /** Each tag the policy defines, with its owners as written (users, groups, tags, autogroups). */
    public Map<String, List<String>> tagOwners() {
        return definitions.tagOwners();
    }

    /**
     * Whether user {@code login} may give {@code tag} to nodes (e.g. with a pre-auth key): the
     * tag's owners name the user, a group the user is in, or {@code autogroup:member}. Trellis
     * has no admin roles, so {@code autogroup:admin} and the like name nobody here; admins act
     * through the coordinator's own commands, which may give any tag the policy defines.
     */
    public boolean mayOwnTag(String login, String tag) {
        List<String> owners = definitions.tagOwners().get(tag);
        if (owners == null || login == null) {
            return false;
        }
        for (String o : owners) {
            if (o.equals(login) || o.equals("autogroup:member")) {
                return true;
            }
            if (o.startsWith("group:") && definitions.groups().getOrDefault(o, java.util.Set.of()).contains(login)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code src} may open a connection to {@code dst} with IANA protocol {@code proto}
     * (6 = TCP, 17 = UDP, 1 = ICMP…) on {@code port}; the port is ignored for protocols without ports.
     */
    public boolean allows(Subject src, Subject dst, int proto, int port) {
        return allowsAll || Evaluator.allows(rules, src.identity(), dst.identity(), proto, port);
    }

    /**
     * Which rules allow {@code src} to reach {@code dst}, or why none does. An empty port or proto
     * means "any": the connection is allowed if some port or protocol is.
     */
    public Explanation explain(Subject src, Subject dst, OptionalInt port, OptionalInt proto) {
        if (allowsAll) {
            return new Explanation(true, List.of(), List.of("the policy has no \"acls\", so everything is allowed"));
        }
        return Evaluator.explain(rules, src, dst, port, proto);
    }

    Definitions definitions() {
        return definitions;
    }

    List<Rule> rules() {
        return rules;
    }

    RuleIndex index() {
        return index;
    }

    private void runTests(List<Expectation> tests) throws PolicyException {
        for (Expectation t : tests) {
            for (Expectation.Case c : t.accept()) {
                for (int proto : t.protos()) {
                    if (!allows(t.subject(), c.dst(), proto, c.port())) {
                        Explanation why = explain(t.subject(), c.dst(), OptionalInt.of(c.port()), OptionalInt.of(proto));
                        throw new PolicyException(c.line(), c.column(), "test tests[" + t.index() + "] at line "
                                + t.line() + " failed: " + t.src() + " → " + c.text() + " (" + Protocols.name(proto)
                                + ") should be accepted but is denied; " + why.reasons().getFirst());
                    }
                }
            }
            for (Expectation.Case c : t.deny()) {
                for (int proto : t.protos()) {
                    if (allows(t.subject(), c.dst(), proto, c.port())) {
                        String by = allowsAll ? "the policy has no \"acls\", so everything is allowed"
                                : "allowed by " + explain(t.subject(), c.dst(), OptionalInt.of(c.port()),
                                        OptionalInt.of(proto)).matches().getFirst();
                        throw new PolicyException(c.line(), c.column(), "test tests[" + t.index() + "] at line "
                                + t.line() + " failed: " + t.src() + " → " + c.text() + " (" + Protocols.name(proto)
                                + ") should be denied but is " + by);
                    }
                }
            }
        }
    }
}
