package dev.trellis.coordinator.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.trellis.protocol.net.IpLiterals;
import dev.trellis.protocol.net.IpPrefix;
import java.net.InetAddress;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** What a policy allows, selector by selector, and how it explains itself. */
class PolicyEvaluationTest {
    static final int TCP = 6;
    static final int UDP = 17;
    static final int ICMP = 1;

    static final String POLICY = """
            {
              "groups": {"group:eng": ["alice@example.com", "bob@"]},
              "hosts": {"db": "100.64.0.7", "lab": "198.18.0.0/24", "v6net": "fd7a:115c:a1e0::/48"},
              "tagOwners": {"tag:server": ["group:eng"], "tag:ci": ["autogroup:admin"], "tag:web": []},
              "acls": [
                {"action": "accept", "src": ["group:eng"], "dst": ["tag:server:22"]},
                {"action": "accept", "src": ["carol@example.com"], "dst": ["db:5432", "lab:80-90"]},
                {"action": "accept", "src": ["tag:ci"], "proto": "tcp", "dst": ["tag:web:80,443"]},
                {"action": "accept", "src": ["autogroup:member"], "dst": ["autogroup:self:*"]},
                {"action": "accept", "src": ["autogroup:tagged"], "proto": "icmp", "dst": ["tag:server:*"]},
                {"action": "accept", "src": ["100.64.1.0/24"], "proto": "udp",
                 "dst": ["[fd7a:115c:a1e0::1]:53", "fd7a:115c:a1e0::/64:5353"]},
                {"action": "accept", "src": ["dave@"], "dst": ["*:8080"]},
                {"action": "accept", "src": ["*"], "proto": "17", "dst": ["v6net:9999"]},
              ],
              "tests": [
                {"src": "alice@example.com", "accept": ["tag:server:22", "alice@example.com:3000"],
                 "deny": ["tag:server:80", "bob:22"]},
                {"src": "tag:ci", "proto": "udp", "deny": ["tag:web:443"]},
                {"src": "100.64.1.9", "proto": "udp", "accept": ["[fd7a:115c:a1e0::1]:53"]},
              ],
            }
            """;

    static Policy policy() throws PolicyException {
        return Policy.parse(POLICY);
    }

    static Subject at(Subject s, String... addresses) {
        return s.withAddresses(List.of(addresses).stream().map(PolicyEvaluationTest::inet).toArray(InetAddress[]::new));
    }

    static Subject ip(String... addresses) {
        return at(new Subject(null, List.of(), List.of()), addresses);
    }

    static InetAddress inet(String a) {
        return IpLiterals.toInetAddress(IpPrefix.parseNumericAddress(a));
    }

    static int lineOf(String text, String needle) {
        int at = text.indexOf(needle);
        assertThat(at).as(needle).isNotNegative();
        return text.substring(0, at).split("\n", -1).length;
    }

    @Test
    void groupsAndUsersIncludingTheTrailingAtForm() throws Exception {
        Policy p = policy();
        Subject server = Subject.tagged("tag:server");
        assertThat(p.allows(Subject.user("alice@example.com"), server, TCP, 22)).isTrue();
        assertThat(p.allows(Subject.user("bob"), server, TCP, 22)).as("bob@ in the group means login bob").isTrue();
        assertThat(p.allows(Subject.user("bob"), server, UDP, 22)).as("no proto: tcp and udp").isTrue();
        assertThat(p.allows(Subject.user("alice@example.com"), server, TCP, 23)).isFalse();
        assertThat(p.allows(Subject.user("carol@example.com"), server, TCP, 22)).isFalse();
        assertThat(p.allows(Subject.user("Alice@example.com"), server, TCP, 22)).as("logins are exact").isFalse();
        assertThat(p.allows(Subject.user("dave"), Subject.tagged("tag:web"), TCP, 8080)).isTrue();
        assertThat(p.allows(Subject.user("dave"), ip("203.0.113.9"), UDP, 8080)).as("* reaches any address").isTrue();
        assertThat(p.allows(Subject.user("dave"), ip("203.0.113.9"), UDP, 8081)).isFalse();
    }

    @Test
    void hostsAndCidrsMatchByAddress() throws Exception {
        Policy p = policy();
        Subject carol = Subject.user("carol@example.com");
        assertThat(p.allows(carol, ip("100.64.0.7"), TCP, 5432)).isTrue();
        assertThat(p.allows(carol, at(Subject.tagged("tag:web"), "100.64.0.7"), TCP, 5432))
                .as("an address selects a node whoever owns it").isTrue();
        assertThat(p.allows(carol, ip("100.64.0.8"), TCP, 5432)).isFalse();
        assertThat(p.allows(carol, ip("198.18.0.200"), TCP, 80)).isTrue();
        assertThat(p.allows(carol, ip("198.18.0.200"), TCP, 90)).isTrue();
        assertThat(p.allows(carol, ip("198.18.0.200"), TCP, 91)).isFalse();
        assertThat(p.allows(carol, ip("198.18.1.1"), TCP, 80)).isFalse();
    }

    @Test
    void ipv6InBracketsAndSplitAtTheLastColon() throws Exception {
        Policy p = policy();
        Subject src = ip("100.64.1.77");
        assertThat(p.allows(src, ip("fd7a:115c:a1e0::1"), UDP, 53)).isTrue();
        assertThat(p.allows(src, ip("fd7a:115c:a1e0::2"), UDP, 53)).isFalse();
        assertThat(p.allows(src, ip("fd7a:115c:a1e0::2"), UDP, 5353)).isTrue();
        assertThat(p.allows(src, ip("fd7a:115c:a1e0:1::2"), UDP, 5353)).as("outside the /64").isFalse();
        assertThat(p.allows(src, ip("fd7a:115c:a1e0::1"), TCP, 53)).as("udp only").isFalse();
        assertThat(p.allows(ip("100.64.2.1"), ip("fd7a:115c:a1e0::1"), UDP, 53)).isFalse();
        assertThat(p.allows(ip("203.0.113.1"), ip("fd7a:115c:a1e0:9::1"), UDP, 9999)).as("proto by number").isTrue();
        assertThat(p.allows(ip("203.0.113.1"), ip("fd7a:115c:a1e0:9::1"), TCP, 9999)).isFalse();
    }

    @Test
    void tagsAndTheTaggedAndMemberAutogroups() throws Exception {
        Policy p = policy();
        Subject ci = Subject.tagged("tag:ci");
        Subject web = Subject.tagged("tag:web");
        assertThat(p.allows(ci, web, TCP, 443)).isTrue();
        assertThat(p.allows(ci, web, UDP, 443)).isFalse();
        assertThat(p.allows(ci, web, TCP, 22)).isFalse();
        assertThat(p.allows(web, Subject.tagged("tag:server"), ICMP, 0)).isTrue();
        assertThat(p.allows(web, Subject.tagged("tag:server"), 58, 0)).as("icmp means both versions").isTrue();
        assertThat(p.allows(web, Subject.tagged("tag:server"), TCP, 22)).isFalse();
        assertThat(p.allows(Subject.user("alice@example.com"), Subject.tagged("tag:server"), ICMP, 0))
                .as("default protos include icmp; ports do not apply to it").isTrue();
        assertThat(p.allows(Subject.user("erin"), Subject.tagged("tag:server"), ICMP, 0))
                .as("autogroup:tagged is not autogroup:member").isFalse();
    }

    @Test
    void autogroupSelfIsTheSourcesOwnNodes() throws Exception {
        Policy p = policy();
        assertThat(p.allows(Subject.user("erin"), Subject.user("erin"), TCP, 1234)).isTrue();
        assertThat(p.allows(Subject.user("erin"), Subject.user("frank"), TCP, 1234)).isFalse();
        assertThat(p.allows(Subject.tagged("tag:ci"), Subject.tagged("tag:ci"), TCP, 1234)).isFalse();
        assertThat(p.allows(ip("100.64.0.9"), ip("100.64.0.9"), TCP, 1234)).isFalse();
    }

    @Test
    void testsThatPassLeaveThePolicyParsed() throws Exception {
        Policy p = policy();
        assertThat(p.warnings()).containsExactly(
                "'bob' is not in \"hosts\", so it is read as the user bob; write bob@ to say so");
        assertThat(p.userLogins()).containsExactlyInAnyOrder("alice@example.com", "bob", "carol@example.com", "dave");
    }

    @Test
    void aFailingAcceptNamesTheTestTheEntryAndWhy() {
        String text = POLICY.replace("\"accept\": [\"tag:server:22\", ", "\"accept\": [\"tag:server:2222\", ");
        PolicyException e = catchThrowableOfType(PolicyException.class, () -> Policy.parse(text));
        int line = lineOf(text, "tag:server:2222");
        assertThat(e.line()).isEqualTo(line);
        assertThat(e.column()).isEqualTo(text.split("\n")[line - 1].indexOf("\"tag:server:2222") + 1);
        assertThat(e).hasMessage("line " + line + ", column " + e.column() + ": test tests[0] at line " + line
                + " failed: alice@example.com → tag:server:2222 (tcp) should be accepted but is denied; acls[0] at "
                + "line 6 allows group:eng → tag:server:22, but port 2222 is not in tag:server:22");
    }

    @Test
    void aFailingDenyNamesTheRuleThatAllows() {
        String text = POLICY.replace("\"deny\": [\"tag:server:80\", \"bob:22\"]", "\"deny\": [\"tag:server:80\",\n"
                + "  \"tag:server:22\"]");
        PolicyException e = catchThrowableOfType(PolicyException.class, () -> Policy.parse(text));
        int testLine = lineOf(text, "{\"src\": \"alice@example.com\"");
        assertThat(e).hasMessage("line " + (testLine + 2) + ", column 3: test tests[0] at line " + testLine
                + " failed: alice@example.com → tag:server:22 (tcp) should be denied but is allowed by acls[0] at "
                + "line 6: group:eng → tag:server:22");
    }

    @Test
    void testsUseTheirProto() {
        String text = POLICY.replace("{\"src\": \"tag:ci\", \"proto\": \"udp\", \"deny\"",
                "{\"src\": \"tag:ci\", \"proto\": \"tcp\", \"deny\"");
        assertThatThrownBy(() -> Policy.parse(text)).hasMessageContaining("tag:ci → tag:web:443 (tcp) should be denied");
    }

    @Test
    void noAclsAllowsEverythingAndEmptyAclsDenyEverything() throws Exception {
        Policy open = Policy.parse("{}");
        assertThat(open.allows(Subject.user("a"), Subject.user("b"), TCP, 1)).isTrue();
        assertThat(open.explain(Subject.user("a"), Subject.user("b"), OptionalInt.empty(), OptionalInt.empty())
                .allowed()).isTrue();
        Policy closed = Policy.parse("{\"acls\": []}");
        assertThat(closed.allows(Subject.user("a"), Subject.user("a"), TCP, 1)).isFalse();
        assertThat(closed.explain(Subject.user("a"), Subject.user("b"), OptionalInt.empty(), OptionalInt.empty())
                .reasons()).containsExactly("the policy has no rules, so everything is denied");
        assertThatThrownBy(() -> Policy.parse("{\"tests\": [{\"src\": \"a\", \"deny\": [\"b:22\"]}]}"))
                .hasMessageContaining("should be denied but is the policy has no \"acls\", so everything is allowed");
    }

    @Test
    void explainListsEveryAllowingRule() throws Exception {
        Policy p = policy();
        Explanation e = p.explain(Subject.user("alice@example.com"), Subject.tagged("tag:server"), OptionalInt.of(22),
                OptionalInt.empty());
        assertThat(e.allowed()).isTrue();
        assertThat(e.matches()).containsExactly(new Explanation.Match(0, 6, "group:eng", "tag:server:22", "22", null));
        assertThat(e.reasons()).isEmpty();
        assertThat(e).hasToString("allowed\n  by acls[0] at line 6: group:eng → tag:server:22");

        Explanation icmp = p.explain(Subject.tagged("tag:web"), Subject.tagged("tag:server"), OptionalInt.empty(),
                OptionalInt.of(ICMP));
        assertThat(icmp.matches()).extracting(Explanation.Match::rule).containsExactly(4);
        assertThat(icmp.toString()).contains("autogroup:tagged → tag:server:* (proto icmp)");
    }

    @Test
    void explainGivesNearMissesWhenDenied() throws Exception {
        Policy p = policy();
        Explanation e = p.explain(Subject.user("carol@example.com"), Subject.tagged("tag:server"), OptionalInt.of(22),
                OptionalInt.of(TCP));
        assertThat(e.allowed()).isFalse();
        assertThat(e.matches()).isEmpty();
        assertThat(e.reasons()).containsExactly(
                "acls[0] at line 6 allows group:eng → tag:server:22, but src carol@example.com is not in group:eng",
                "acls[1] at line 7 allows carol@example.com → db:5432, lab:80-90, but dst tag:server matches none "
                        + "of its destinations",
                "acls[3] at line 9 allows autogroup:member → autogroup:self:*, but dst tag:server is not one of "
                        + "carol@example.com's own untagged nodes (autogroup:self)");
        assertThat(e.toString()).startsWith("denied\n  acls[0] at line 6 allows group:eng");

        Explanation port = p.explain(Subject.user("bob"), Subject.tagged("tag:server"), OptionalInt.of(80),
                OptionalInt.of(TCP));
        assertThat(port.reasons().getFirst()).isEqualTo(
                "acls[0] at line 6 allows group:eng → tag:server:22, but port 80 is not in tag:server:22");
        Explanation proto = p.explain(Subject.tagged("tag:ci"), Subject.tagged("tag:web"), OptionalInt.of(443),
                OptionalInt.of(UDP));
        assertThat(proto.reasons().getFirst()).isEqualTo(
                "acls[2] at line 8 allows tag:ci → tag:web:80,443 (proto tcp), but proto udp is not allowed by it");

        Explanation nobody = p.explain(Subject.user("zed"), Subject.tagged("tag:ci"), OptionalInt.empty(),
                OptionalInt.empty());
        assertThat(nobody.reasons()).containsExactly(
                "acls[6] at line 13 allows dave@ → *:8080, but src zed is not dave@",
                "acls[3] at line 9 allows autogroup:member → autogroup:self:*, but dst tag:ci is not one of zed's own "
                        + "untagged nodes (autogroup:self)",
                "acls[7] at line 14 allows * → v6net:9999 (proto 17), but dst tag:ci has no address in v6net "
                        + "(fd7a:115c:a1e0::/48)");
        Explanation none = Policy.parse("{\"tagOwners\": {\"tag:a\": []}, \"acls\": [{\"action\": \"accept\", "
                + "\"src\": [\"tag:a\"], \"dst\": [\"tag:a:22\"]}, {\"action\": \"accept\", \"src\": [\"zed\"], "
                + "\"dst\": [\"10.0.0.0/8:*\", \"zed:*\"]}]}")
                .explain(Subject.user("zed"), Subject.tagged("tag:a"), OptionalInt.of(80), OptionalInt.empty());
        assertThat(none.reasons()).containsExactly("acls[1] at line 1 allows zed → 10.0.0.0/8:*, zed:*, but dst "
                + "tag:a matches none of its destinations");
        Explanation never = Policy.parse("{\"tagOwners\": {\"tag:a\": []}, \"acls\": [{\"action\": \"accept\", "
                + "\"src\": [\"tag:a\"], \"dst\": [\"tag:a:*\"]}]}")
                .explain(Subject.user("zed"), Subject.user("zed"), OptionalInt.empty(), OptionalInt.empty());
        assertThat(never.reasons()).containsExactly("no rule has zed among its sources");
        Explanation notTagged = Policy.parse("{\"tagOwners\": {\"tag:a\": []}, \"acls\": [{\"action\": \"accept\", "
                + "\"src\": [\"tag:a\"], \"dst\": [\"tag:a:*\"]}]}")
                .explain(Subject.user("zed"), Subject.tagged("tag:a"), OptionalInt.empty(), OptionalInt.empty());
        assertThat(notTagged.reasons()).containsExactly(
                "acls[0] at line 1 allows tag:a → tag:a:*, but src zed is not tagged tag:a");
    }

    @Test
    void subjectsParseFromSelectorText() throws Exception {
        Policy p = policy();
        assertThat(Subject.parse("alice@example.com", p)).isEqualTo(Subject.user("alice@example.com"));
        assertThat(Subject.parse("bob@", p)).isEqualTo(Subject.user("bob"));
        assertThat(Subject.parse("tag:ci", p)).isEqualTo(Subject.tagged("tag:ci"));
        assertThat(Subject.parse("db", p)).isEqualTo(ip("100.64.0.7"));
        assertThat(Subject.parse("fd7a::1", p)).isEqualTo(ip("fd7a::1"));
        assertThat(Subject.parse("tag:nope", null)).isEqualTo(Subject.tagged("tag:nope")).as("no policy: any tag");
        assertThatThrownBy(() -> Subject.parse("tag:nope", p)).isInstanceOf(PolicyException.class)
                .hasMessageStartingWith("tag:nope is not defined");
        assertThatThrownBy(() -> Subject.parse("group:eng", p)).hasMessageContaining("names no single node");
        assertThatThrownBy(() -> Subject.parse("autogroup:self", p)).hasMessageContaining("names no single node");
        assertThatThrownBy(() -> new Subject("alice", List.of("tag:x"), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void textAndTagOwnersAreKept() throws Exception {
        Policy p = policy();
        assertThat(p.text()).isEqualTo(POLICY);
        assertThat(p.tagOwners()).containsEntry("tag:server", List.of("group:eng"))
                .containsEntry("tag:ci", List.of("autogroup:admin")).containsEntry("tag:web", List.of());
    }
}
