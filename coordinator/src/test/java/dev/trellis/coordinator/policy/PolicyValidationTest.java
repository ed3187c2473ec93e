package dev.trellis.coordinator.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

/** Everything that must be refused, with the position of what is wrong. */
class PolicyValidationTest {
    private static PolicyException error(String text) {
        PolicyException e = catchThrowableOfType(PolicyException.class, () -> Policy.parse(text));
        assertThat(e).as("expected %s to be refused", text).isNotNull();
        return e;
    }

    /** A policy whose acls are {@code rule}, with the usual definitions; the rule is on line 7. */
    private static String withRule(String rule) {
        return """
                {
                  "groups": {"group:eng": ["alice@example.com", "bob"]},
                  "hosts": {"db": "100.64.0.7", "lab": "198.18.0.0/24"},
                  "tagOwners": {"tag:server": ["group:eng"], "tag:ci": []},
                  "acls": [
                    {"action": "accept", "src": ["*"], "dst": ["*:*"]},
                    %s,
                  ],
                }""".formatted(rule);
    }

    @Test
    void unknownKeysAreErrorsWithASuggestion() {
        assertThat(error("{\n  \"acl\": []\n}")).hasMessage("line 2, column 3: unknown key \"acl\" (did you mean "
                + "'acls'?): a policy has only groups, hosts, tagOwners, acls and tests");
        assertThat(error("{\"ssh\": []}")).hasMessageContaining("\"ssh\" is a Tailscale policy section that Trellis "
                + "does not support");
        assertThat(error(withRule("{\"action\": \"accept\", \"src\": [\"*\"], \"dst\": [\"*:*\"], \"protocol\": \"tcp\"}")))
                .hasMessageStartingWith("line 7, column 56: unknown key \"protocol\" in an acls entry");
        assertThat(error(withRule("{\"action\": \"accept\", \"users\": [\"*\"], \"dst\": [\"*:*\"]}")))
                .hasMessageContaining("use \"src\"; Trellis does not read the legacy \"users\"");
        assertThat(error("{\"tests\": [{\"src\": \"bob\", \"accept\": [], \"allow\": []}]}"))
                .hasMessageContaining("unknown key \"allow\" in a tests entry");
    }

    @Test
    void rulesNeedActionSrcAndDst() {
        assertThat(error(withRule("{\"src\": [\"*\"], \"dst\": [\"*:*\"]}")))
                .hasMessage("line 7, column 5: missing \"action\": add e.g. \"action\": \"accept\"");
        assertThat(error(withRule("{\"action\": \"deny\", \"src\": [\"*\"], \"dst\": [\"*:*\"]}")))
                .hasMessageStartingWith("line 7, column 16: action must be \"accept\"");
        assertThat(error(withRule("{\"action\": \"accept\", \"src\": [], \"dst\": [\"*:*\"]}")))
                .hasMessageStartingWith("line 7, column 33: src is empty");
        assertThat(error(withRule("{\"action\": \"accept\", \"src\": \"*\", \"dst\": [\"*:*\"]}")))
                .hasMessageStartingWith("line 7, column 33: src must be an array […], not a string");
        assertThat(error(withRule("{\"action\": \"accept\", \"src\": [22], \"dst\": [\"*:*\"]}")))
                .hasMessageStartingWith("line 7, column 34: each entry of src must be a string, not a number");
    }

    @Test
    void undefinedNamesAreErrors() {
        assertThat(error(withRule("{\"action\": \"accept\", \"src\": [\"group:ops\"], \"dst\": [\"*:*\"]}")))
                .hasMessage("line 7, column 34: group:ops is not defined: add it to \"groups\"");
        assertThat(error(withRule("{\"action\": \"accept\", \"src\": [\"*\"], \"dst\": [\"tag:srv:22\"]}")))
                .hasMessageStartingWith("line 7, column 48: tag:srv is not defined: add it to \"tagOwners\"");
        assertThat(error(withRule("{\"action\": \"accept\", \"src\": [\"grop:eng\"], \"dst\": [\"*:*\"]}")))
                .hasMessageStartingWith("line 7, column 34: unknown selector 'grop:eng'");
        assertThat(error(withRule("{\"action\": \"accept\", \"src\": [\"autogroup:admin\"], \"dst\": [\"*:*\"]}")))
                .hasMessageContaining("unsupported autogroup 'autogroup:admin'");
        assertThat(error("{\"tagOwners\": {\"tag:a\": [\"group:nope\"]}}"))
                .hasMessage("line 1, column 26: group:nope is not defined: add it to \"groups\"");
        assertThat(error("{\"tagOwners\": {\"tag:a\": [\"tag:b\"]}}")).hasMessageContaining("tag:b is not defined");
        assertThat(error("{\"tagOwners\": {\"server\": []}}")).hasMessageContaining("tag name \"server\" must be tag:");
    }

    @Test
    void groupsHoldUsersOnly() {
        assertThat(error("{\"groups\": {\"group:a\": [\"x\"],\n \"group:b\": [\"bob\", \"group:a\"]}}"))
                .hasMessage("line 2, column 21: group:b lists group:a, but groups cannot contain groups: list "
                        + "group:a's members instead");
        assertThat(error("{\"groups\": {\"group:a\": [\"tag:x\"]}}")).hasMessageContaining("a group holds users only");
        assertThat(error("{\"groups\": {\"eng\": []}}")).hasMessageContaining("must be group: followed by");
        assertThat(error("{\"groups\": {\"group:a\": [\"bob smith\"]}}")).hasMessageContaining("unknown selector");
    }

    @Test
    void hostsAreAddressesOrPrefixes() {
        assertThat(error("{\"hosts\": {\"db\": \"db.example.com\"}}"))
                .hasMessage("line 1, column 18: host db must be an IP address or CIDR prefix, e.g. 100.64.0.7 or "
                        + "198.18.0.0/24; got \"db.example.com\"");
        assertThat(error("{\"hosts\": {\"db\": \"100.64.0.300\"}}"))
                .hasMessageContaining("'100.64.0.300' is not a valid IP address or CIDR prefix");
        assertThat(error("{\"hosts\": {\"lab\": \"198.18.0.1/24\"}}"))
                .hasMessageContaining("198.18.0.1/24 has bits set beyond its /24: write 198.18.0.0/24 for the network, "
                        + "or 198.18.0.1 for the single address");
        assertThat(error("{\"hosts\": {\"1.2.3.4\": \"1.2.3.4\"}}")).hasMessageContaining("host name \"1.2.3.4\"");
        assertThat(error("{\"hosts\": {\"tag:x\": \"1.2.3.4\"}}")).hasMessageContaining("host name \"tag:x\"");
    }

    @Test
    void badPortsAreErrors() {
        assertThat(error(withRule("{\"action\": \"accept\", \"src\": [\"*\"], \"dst\": [\"db:70000\"]}")))
                .hasMessage("line 7, column 48: port 70000 is out of range 0-65535");
        assertThat(error(withRule("{\"action\": \"accept\", \"src\": [\"*\"], \"dst\": [\"db:90-80\"]}")))
                .hasMessageContaining("port range 90-80 runs backwards: write 80-90");
        assertThat(error(withRule("{\"action\": \"accept\", \"src\": [\"*\"], \"dst\": [\"db:22,\"]}")))
                .hasMessageContaining("'22,' is not a port list");
        assertThat(error(withRule("{\"action\": \"accept\", \"src\": [\"*\"], \"dst\": [\"db:ssh\"]}")))
                .hasMessageContaining("'ssh' is not a port list");
        assertThat(error(withRule("{\"action\": \"accept\", \"src\": [\"*\"], \"dst\": [\"db\"]}")))
                .hasMessageContaining("'db' has no port: write db:* for all ports, or e.g. db:22");
        assertThat(error(withRule("{\"action\": \"accept\", \"src\": [\"*\"], \"dst\": [\"tag:server\"]}")))
                .hasMessageContaining("'tag:server' has no port: write tag:server:*");
        assertThat(error(withRule("{\"action\": \"accept\", \"src\": [\"*\"], \"dst\": [\"fd7a::1\"]}")))
                .hasMessageContaining("'fd7a::1' has no port: write [fd7a::1]:*");
        assertThat(error(withRule("{\"action\": \"accept\", \"src\": [\"*\"], \"dst\": [\"db:\"]}")))
                .hasMessageContaining("the port is empty");
    }

    @Test
    void protosAreNamesOrNumbersAndOnlySomeHavePorts() {
        assertThat(error(withRule("{\"action\": \"accept\", \"src\": [\"*\"], \"proto\": \"tpc\", \"dst\": [\"db:22\"]}")))
                .hasMessageStartingWith("line 7, column 49: unknown proto 'tpc'");
        assertThat(error(withRule("{\"action\": \"accept\", \"src\": [\"*\"], \"proto\": \"256\", \"dst\": [\"db:*\"]}")))
                .hasMessageContaining("unknown proto '256'");
        assertThat(error(withRule("{\"action\": \"accept\", \"src\": [\"*\"], \"proto\": 6, \"dst\": [\"db:*\"]}")))
                .hasMessageContaining("proto must be a string, not a number");
        assertThat(error(withRule("{\"action\": \"accept\", \"src\": [\"*\"], \"proto\": \"icmp\", \"dst\": [\"db:22\"]}")))
                .hasMessageContaining("ports apply only to tcp, udp and sctp; with this rule's proto write db:*");
    }

    @Test
    void autogroupSelfIsADestinationForUserSourcesOnly() {
        assertThat(error(withRule("{\"action\": \"accept\", \"src\": [\"autogroup:self\"], \"dst\": [\"*:*\"]}")))
                .hasMessageStartingWith("line 7, column 34: autogroup:self can only be a destination");
        PolicyException e = error(withRule(
                "{\"action\": \"accept\", \"src\": [\"group:eng\", \"tag:ci\"], \"dst\": [\"autogroup:self:*\"]}"));
        assertThat(e).hasMessage("line 7, column 47: a rule with autogroup:self in dst needs sources that are users "
                + "(users, groups or autogroup:member), but 'tag:ci' is not; give 'tag:ci' its own rule");
        assertThat(error(withRule("{\"action\": \"accept\", \"src\": [\"*\"], \"dst\": [\"autogroup:self:*\"]}")))
                .hasMessageContaining("but '*' is not");
    }

    @Test
    void selectorsThatLookLikeAddressesMustBeValidOnes() {
        assertThat(error(withRule("{\"action\": \"accept\", \"src\": [\"10.0.0.256\"], \"dst\": [\"*:*\"]}")))
                .hasMessageContaining("'10.0.0.256' is not a valid IP address or CIDR prefix");
        assertThat(error(withRule("{\"action\": \"accept\", \"src\": [\"10.0.0.0/33\"], \"dst\": [\"*:*\"]}")))
                .hasMessageContaining("'10.0.0.0/33' is not a valid IP address or CIDR prefix");
        assertThat(error(withRule("{\"action\": \"accept\", \"src\": [\"@example.com\"], \"dst\": [\"*:*\"]}")))
                .hasMessageContaining("is not a user login");
        assertThat(error(withRule("{\"action\": \"accept\", \"src\": [\" bob\"], \"dst\": [\"*:*\"]}")))
                .hasMessageContaining("is empty or has surrounding spaces");
        assertThat(error(withRule("{\"action\": \"accept\", \"src\": [\"tag:server:22\"], \"dst\": [\"*:*\"]}")))
                .hasMessage("line 7, column 34: a source has no port: write 'tag:server' (ports belong to destinations)");
    }

    @Test
    void testsAreCheckedForShape() {
        String base = "{\"tagOwners\": {\"tag:x\": []}, \"acls\": [], \"tests\": [%s]}";
        assertThat(error(base.formatted("{\"src\": \"group:x\", \"deny\": [\"bob:22\"]}")))
                .hasMessageContaining("group:x is not defined");
        assertThat(error(base.formatted("{\"src\": \"*\", \"deny\": [\"bob:22\"]}")))
                .hasMessageContaining("'*' names no single node");
        assertThat(error(base.formatted("{\"src\": \"bob\", \"deny\": [\"bob:22-23\"]}")))
                .hasMessageContaining("a test destination needs one port 0-65535, e.g. bob:22; got '22-23'");
        assertThat(error(base.formatted("{\"src\": \"bob\"}"))).hasMessageContaining("a test needs \"accept\" or \"deny\"");
        assertThat(error(base.formatted("{\"deny\": [\"bob:22\"]}"))).hasMessageContaining("missing \"src\"");
        assertThat(error(base.formatted("{\"src\": \"tag:y\", \"deny\": [\"bob:22\"]}")))
                .hasMessageContaining("tag:y is not defined");
    }

    @Test
    void anUndefinedHostIsAUserAndSaysSo() throws Exception {
        // Local logins have no '@', so a name that is not a host must be read as a user; the
        // policy's own tests catch the mistake, and a warning points at it.
        String text = withRule("{\"action\": \"accept\", \"src\": [\"*\"], \"dst\": [\"dbx:5432\"]}")
                .replace("\"acls\": [\n    {\"action\": \"accept\", \"src\": [\"*\"], \"dst\": [\"*:*\"]},", "\"acls\": [");
        Policy p = Policy.parse(text);
        assertThat(p.warnings()).containsExactly(
                "'dbx' is not in \"hosts\", so it is read as the user dbx; write dbx@ to say so");
        assertThat(p.allows(PolicyEvaluationTest.ip("100.64.0.1"), Subject.user("dbx"), 6, 5432)).isTrue();
        assertThat(p.allows(PolicyEvaluationTest.ip("100.64.0.1"), PolicyEvaluationTest.ip("100.64.0.7"), 6, 5432))
                .isFalse();
        assertThat(error(text.replace("\"acls\": [", "\"tests\": [{\"src\": \"bob\", \"accept\": [\"db:5432\"]}],\n"
                + "  \"acls\": [")))
                .hasMessageContaining("bob → db:5432 (tcp) should be accepted but is denied; acls[0] at line 7 allows "
                        + "* → dbx:5432, but dst 100.64.0.7 is not dbx");
        assertThat(Policy.parse(text.replace("dbx:", "dbx@:")).warnings()).isEmpty();
    }

    @Test
    void warningsForLegalButSurprisingPolicies() throws Exception {
        Policy open = Policy.parse("{\"groups\": {\"group:none\": []}}");
        assertThat(open.allowsAll()).isTrue();
        assertThat(open.warnings()).containsExactly("group:none has no members, so rules naming it select nobody",
                "no \"acls\": every node may reach every other, as with no policy; write \"acls\": [] to deny everything");
        Policy shadow = Policy.parse("{\"groups\": {\"group:a\": [\"db\"]}, \"hosts\": {\"db\": \"100.64.0.7\"}, \"acls\": []}");
        assertThat(shadow.warnings()).containsExactly("host \"db\" has the name of a user in a group; in acls it "
                + "means the host: write db@ to mean the user");
    }
}
