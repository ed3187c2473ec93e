package dev.trellis.coordinator.policy;

import dev.trellis.protocol.net.IpLiterals;
import dev.trellis.protocol.net.IpPrefix;
import java.net.InetAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The named things a policy defines (groups, hosts, tags) and how selector text resolves
 * against them. Resolution order: {@code *}, {@code group:}, {@code tag:}, {@code autogroup:},
 * a host alias, an IP or CIDR, else a user login. A host alias therefore shadows a local user of
 * the same name; {@code alice@} always means the user {@code alice}. Errors are
 * IllegalArgumentExceptions whose message is meant for the policy's author.
 */
record Definitions(Map<String, Set<String>> groups, Map<String, IpPrefix> hosts, Map<String, List<String>> tagOwners) {
    Definitions {
        groups = Collections.unmodifiableMap(new LinkedHashMap<>(groups));
        hosts = Collections.unmodifiableMap(new LinkedHashMap<>(hosts));
        tagOwners = Collections.unmodifiableMap(new LinkedHashMap<>(tagOwners));
    }

    static final Pattern TAG = Pattern.compile("tag:[A-Za-z0-9][A-Za-z0-9_-]*");
    static final Pattern GROUP = Pattern.compile("group:[A-Za-z0-9][A-Za-z0-9._-]*");
    static final Pattern HOST = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern DOTTED = Pattern.compile("[0-9.]+");

    static final Definitions NONE = new Definitions(Map.of(), Map.of(), Map.of());

    /** A source selector. */
    Selector src(String text) {
        if (text.equals("autogroup:self")) {
            throw new IllegalArgumentException("autogroup:self can only be a destination: it means the source's own "
                    + "nodes. As a source, use the users or groups themselves (or autogroup:member)");
        }
        return resolve(text);
    }

    /** The target of a dst entry (the part before the port). */
    Selector dst(String text) {
        return text.equals("autogroup:self") ? new Selector.Self() : resolve(text);
    }

    private Selector resolve(String text) {
        if (text.equals("*")) {
            return new Selector.Any();
        }
        if (text.startsWith("group:")) {
            Set<String> members = groups.get(text);
            if (members == null) {
                throw new IllegalArgumentException(text + " is not defined: add it to \"groups\"");
            }
            return new Selector.Group(text, members);
        }
        if (text.startsWith("tag:")) {
            requireTag(text);
            return new Selector.Tag(text);
        }
        if (text.startsWith("autogroup:")) {
            return switch (text) {
                case "autogroup:member" -> new Selector.Member();
                case "autogroup:tagged" -> new Selector.Tagged();
                default -> throw new IllegalArgumentException("unsupported autogroup '" + text
                        + "': Trellis supports autogroup:member, autogroup:tagged and (as a destination) autogroup:self");
            };
        }
        IpPrefix host = hosts.get(text);
        if (host != null) {
            return new Selector.Prefix(host, text);
        }
        IpPrefix literal = prefix(text);
        if (literal != null) {
            return new Selector.Prefix(literal, null);
        }
        return new Selector.User(login(text));
    }

    void requireTag(String tag) {
        if (!TAG.matcher(tag).matches()) {
            throw new IllegalArgumentException("'" + tag + "' is not a valid tag: write tag: followed by letters, "
                    + "digits, '-' or '_'");
        }
        if (!tagOwners.containsKey(tag)) {
            throw new IllegalArgumentException(tag + " is not defined: add it to \"tagOwners\" (a tag not listed "
                    + "there can never be applied, so a rule naming it is most likely a typo)");
        }
    }

    /**
     * An IP or CIDR literal, or null if {@code text} does not look like one. Text that looks like
     * an address but is not a valid one is an error rather than a user name.
     */
    static IpPrefix prefix(String text) {
        boolean looksLikeIp = text.indexOf('/') >= 0 || text.indexOf(':') >= 0 || DOTTED.matcher(text).matches();
        if (!looksLikeIp) {
            return null;
        }
        IpPrefix p;
        try {
            p = IpPrefix.parse(text);
        } catch (IllegalArgumentException e) {
            if (text.indexOf(':') >= 0 && text.indexOf('/') < 0 && text.indexOf('.') < 0
                    && !text.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':')) {
                throw new IllegalArgumentException("unknown selector '" + text + "': use *, a user, group:NAME, "
                        + "tag:NAME, autogroup:member, autogroup:tagged, a host from \"hosts\", or an IP or CIDR");
            }
            throw new IllegalArgumentException("'" + text + "' is not a valid IP address or CIDR prefix");
        }
        byte[] given = IpPrefix.parseNumericAddress(text.indexOf('/') < 0 ? text : text.substring(0, text.indexOf('/')));
        if (!java.util.Arrays.equals(given, p.address())) {
            throw new IllegalArgumentException(text + " has bits set beyond its /" + p.bits() + ": write "
                    + Selector.Prefix.text(p)
                    + " for the network, or " + IpLiterals.format(given) + " for the single address");
        }
        return p;
    }

    /** A user login as written in a policy: {@code alice@} means {@code alice}. */
    static String login(String text) {
        String s = text.endsWith("@") ? text.substring(0, text.length() - 1) : text;
        if (s.isEmpty() || s.startsWith("@")) {
            throw new IllegalArgumentException("'" + text + "' is not a user login: write e.g. alice@example.com, "
                    + "alice or alice@");
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c == 0x7f || c == ':' || c == '/' || c == ',' || c == '*' || Character.isWhitespace(c)) {
                throw new IllegalArgumentException("unknown selector '" + text + "': use *, a user login, "
                        + "group:NAME, tag:NAME, autogroup:member, autogroup:tagged, a host from \"hosts\", or an IP "
                        + "or CIDR");
            }
        }
        return s;
    }

    /**
     * The one identity {@code text} names, for tests and explanations: a user login (an untagged
     * node of that user), a tag (a node with that tag), or an IP or host (a node with that address).
     */
    Subject subject(String text) {
        Selector s = text.equals("autogroup:self") ? new Selector.Self() : resolve(text);
        return switch (s) {
            case Selector.User u -> new Subject(u.login(), List.of(), List.of());
            case Selector.Tag t -> new Subject(null, List.of(t.tag()), List.of());
            case Selector.Prefix p -> new Subject(null, List.of(), List.of(address(p.prefix())));
            default -> throw new IllegalArgumentException("'" + text + "' names no single node: write a user login, "
                    + "a tag, a host or an IP address");
        };
    }

    private static InetAddress address(IpPrefix p) {
        return IpLiterals.toInetAddress(p.address());
    }
}
