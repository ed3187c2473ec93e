package dev.trellis.coordinator.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.protocol.control.FilterRule;
import dev.trellis.protocol.control.FilterRule.PortRange;
import dev.trellis.protocol.control.Node;
import dev.trellis.protocol.net.IpPrefix;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PolicyStateTest {
    static final String POLICY = """
            {
              "groups": {"group:eng": ["alice@example.com", "bob@example.com"]},
              "hosts": {"db": "100.64.0.7"},
              "tagOwners": {"tag:server": ["group:eng"], "tag:web": []},
              "acls": [
                {"action": "accept", "src": ["group:eng"], "dst": ["tag:server:22"]},
                {"action": "accept", "src": ["autogroup:member"], "dst": ["autogroup:self:*"]},
                {"action": "accept", "src": ["alice@example.com"], "dst": ["carol@example.com:*"]},
                {"action": "accept", "src": ["carol@example.com", "198.18.0.0/24"], "dst": ["db:5432"]},
                {"action": "accept", "src": ["*"], "proto": "tcp", "dst": ["tag:web:80,443"]},
                {"action": "accept", "src": ["group:eng"], "dst": ["tag:server:80-81"]},
              ],
            }
            """;

    static final long ALICE = 1;
    static final long BOB = 2;
    static final long CAROL = 3;

    private PolicyState state;

    static Node node(long id, long user, String ip, String... tags) {
        List<IpPrefix> addresses = List.of(IpPrefix.parse(ip + "/32"));
        return new Node(id, "n" + id, "node" + id, user, null, null, null, addresses, addresses, List.of(), null, null,
                Instant.EPOCH, null, null, List.of(tags), false);
    }

    static FilterRule rule(List<String> src, List<Integer> protos, PortRange... ports) {
        return new FilterRule(src, List.of(ports), protos);
    }

    static PortRange any(int first, int last) {
        return new PortRange("*", first, last);
    }

    @BeforeEach
    void setUp() throws Exception {
        state = new PolicyState(Policy.parse(POLICY));
        state.putUser(ALICE, "alice@example.com");
        state.putUser(BOB, "bob@example.com");
        state.putUser(CAROL, "carol@example.com");
        state.upsert(node(1, ALICE, "100.64.0.1"));
        state.upsert(node(2, ALICE, "100.64.0.2"));
        state.upsert(node(3, BOB, "100.64.0.3"));
        state.upsert(node(4, ALICE, "100.64.0.4", "tag:server"));
        state.upsert(node(5, CAROL, "100.64.0.5"));
        state.upsert(node(7, CAROL, "100.64.0.7", "tag:web"));
    }

    @Test
    void withoutAPolicyEverythingIsVisibleAndAllowed() {
        PolicyState open = new PolicyState(null);
        open.upsert(node(1, ALICE, "100.64.0.1"));
        open.upsert(node(2, BOB, "100.64.0.2", "tag:x"));
        assertThat(open.visible(1, 2)).isTrue();
        assertThat(open.visible(1, 99)).isFalse();
        assertThat(open.filterFor(1)).isSameAs(FilterRule.ALLOW_ALL);
        assertThat(open.filterFor(99)).isEmpty();
        open.remove(2);
        assertThat(open.visible(1, 2)).isFalse();
    }

    @Test
    void visibilityIsEitherDirectionOfAnyRule() {
        assertThat(state.visible(1, 4)).as("alice → server").isTrue();
        assertThat(state.visible(4, 1)).as("and the server sees alice, who may reach it").isTrue();
        assertThat(state.visible(3, 4)).as("bob → server").isTrue();
        assertThat(state.visible(5, 4)).as("carol has no access to the server").isFalse();
        assertThat(state.visible(1, 2)).as("autogroup:self").isTrue();
        assertThat(state.visible(1, 3)).as("alice and bob share nothing").isFalse();
        assertThat(state.visible(1, 5)).as("alice → carol").isTrue();
        assertThat(state.visible(4, 5)).as("alice's tagged node is not alice").isFalse();
        assertThat(state.visible(4, 2)).isTrue();
        assertThat(state.visible(5, 7)).as("carol → db by address; and * → tag:web").isTrue();
        assertThat(state.visible(4, 7)).as("* → tag:web").isTrue();
        assertThat(state.visible(1, 99)).isFalse();
        assertThat(state.visible(99, 1)).isFalse();
    }

    @Test
    void filtersHoldAggregatedSourcesPerRuleMerged() {
        // group:eng = alice's 100.64.0.1 and .2 and bob's .3; rules 0 and 5 merge: same sources, same protos
        assertThat(state.filterFor(4)).containsExactly(
                rule(List.of("100.64.0.1", "100.64.0.2/31"), List.of(), any(22, 22), any(80, 81)));
        // autogroup:self: only alice's own untagged nodes; alice → carol does not arrive at alice
        assertThat(state.filterFor(1)).containsExactly(rule(List.of("100.64.0.1", "100.64.0.2"), List.of(), any(0, 65535)));
        assertThat(state.filterFor(5)).containsExactly(
                rule(List.of("100.64.0.5"), List.of(), any(0, 65535)),
                rule(List.of("100.64.0.1", "100.64.0.2"), List.of(), any(0, 65535)));
        // db is matched by address, tag:web by identity; a literal CIDR source stays
        assertThat(state.filterFor(7)).containsExactly(
                rule(List.of("100.64.0.5", "198.18.0.0/24"), List.of(), new PortRange("100.64.0.7", 5432, 5432)),
                rule(List.of("*"), List.of(6), any(80, 80), any(443, 443)));
        assertThat(state.filterFor(99)).isEmpty();
    }

    @Test
    void filtersKeepTheirInstanceUntilTheyChange() {
        List<FilterRule> server = state.filterFor(4);
        List<FilterRule> alice = state.filterFor(1);
        List<FilterRule> web = state.filterFor(7);
        assertThat(state.filterFor(4)).isSameAs(server);

        // a new eng member changes the server's filter, and no one else's
        state.upsert(node(8, BOB, "100.64.0.8"));
        assertThat(state.filterFor(4)).isNotSameAs(server)
                .containsExactly(rule(List.of("100.64.0.1", "100.64.0.2/31", "100.64.0.8"), List.of(), any(22, 22),
                        any(80, 81)));
        assertThat(state.filterFor(1)).isSameAs(alice);
        assertThat(state.filterFor(7)).isSameAs(web);
        server = state.filterFor(4);

        // a change that is not about identity (a new key, endpoints) changes nothing
        Node n8 = node(8, BOB, "100.64.0.8");
        state.upsert(new Node(8, "n8", "renamed", BOB, null, null, "disco", n8.addresses(), n8.allowedIps(),
                List.of("1.2.3.4:41641"), 3, null, Instant.EPOCH, null, true, List.of(), false));
        assertThat(state.filterFor(4)).isSameAs(server);

        // leaving and coming back with the same result keeps the instance too
        state.remove(8);
        List<FilterRule> without = state.filterFor(4);
        assertThat(without).isNotSameAs(server);
        state.upsert(node(9, CAROL, "100.64.0.9"));
        assertThat(state.filterFor(4)).isSameAs(without);
        assertThat(state.visible(8, 4)).isFalse();
    }

    @Test
    void retaggingMovesANodeBetweenRolesAndSharesFilters() {
        List<FilterRule> server = state.filterFor(4);
        assertThat(state.visible(3, 5)).isFalse();
        state.upsert(node(3, BOB, "100.64.0.3", "tag:server"));
        // bob's node left group:eng's source set and became a server
        assertThat(state.filterFor(4)).isNotEqualTo(server)
                .containsExactly(rule(List.of("100.64.0.1", "100.64.0.2"), List.of(), any(22, 22), any(80, 81)));
        assertThat(state.filterFor(3)).isSameAs(state.filterFor(4));
        assertThat(state.visible(3, 1)).isTrue();
        assertThat(state.visible(3, 4)).as("servers do not reach servers").isFalse();
        // and back
        state.upsert(node(3, BOB, "100.64.0.3"));
        assertThat(state.filterFor(4)).isEqualTo(server);
        assertThat(state.filterFor(3)).as("bob's own node reaches itself through autogroup:self")
                .containsExactly(rule(List.of("100.64.0.3"), List.of(), any(0, 65535)));
    }

    @Test
    void addressChangesReachSourcesAndSelf() {
        state.upsert(node(2, ALICE, "100.64.0.42"));
        assertThat(state.filterFor(4)).containsExactly(
                rule(List.of("100.64.0.1", "100.64.0.3", "100.64.0.42"), List.of(), any(22, 22), any(80, 81)));
        assertThat(state.filterFor(1)).containsExactly(
                rule(List.of("100.64.0.1", "100.64.0.42"), List.of(), any(0, 65535)));
        // moving onto the db address makes the node a db
        state.upsert(node(3, BOB, "100.64.0.7"));
        assertThat(state.filterFor(3)).containsExactly(
                rule(List.of("100.64.0.7"), List.of(), any(0, 65535)),
                rule(List.of("100.64.0.5", "198.18.0.0/24"), List.of(), new PortRange("100.64.0.7", 5432, 5432)));
        assertThat(state.visible(5, 3)).isTrue();
    }

    @Test
    void loginsDecideUserSelectorsAndMayArriveLate() {
        state.upsert(node(10, 10, "100.64.0.10"));
        assertThat(state.visible(10, 4)).as("an unknown user is in no group").isFalse();
        state.upsert(node(11, 10, "100.64.0.11"));
        assertThat(state.visible(10, 11)).as("but its nodes are members, and its own").isTrue();
        List<FilterRule> server = state.filterFor(4);
        state.putUser(10, "bob@example.com");
        assertThat(state.visible(10, 4)).isTrue();
        assertThat(state.filterFor(4)).isNotEqualTo(server);
        state.putUser(BOB, "robert@example.com");
        assertThat(state.visible(3, 4)).isFalse();
        assertThat(state.filterFor(4)).containsExactly(rule(List.of("100.64.0.1", "100.64.0.2", "100.64.0.10/31"),
                List.of(), any(22, 22), any(80, 81)));
    }

    @Test
    void movingANodeToAnotherUserChangesItsSelf() {
        state.upsert(node(2, BOB, "100.64.0.2"));
        assertThat(state.visible(1, 2)).isFalse();
        assertThat(state.visible(3, 2)).isTrue();
        assertThat(state.filterFor(1)).containsExactly(rule(List.of("100.64.0.1"), List.of(), any(0, 65535)));
        assertThat(state.filterFor(3)).containsExactly(rule(List.of("100.64.0.2/31"), List.of(), any(0, 65535)));
    }

    @Test
    void aPolicyWithoutAclsIsOpen() throws Exception {
        PolicyState open = new PolicyState(Policy.parse("{}"));
        open.upsert(node(1, ALICE, "100.64.0.1"));
        open.upsert(node(2, BOB, "100.64.0.2"));
        assertThat(open.visible(1, 2)).isTrue();
        assertThat(open.filterFor(2)).isSameAs(FilterRule.ALLOW_ALL);
        PolicyState closed = new PolicyState(Policy.parse("{\"acls\": []}"));
        closed.upsert(node(1, ALICE, "100.64.0.1"));
        closed.upsert(node(2, ALICE, "100.64.0.2"));
        assertThat(closed.visible(1, 2)).isFalse();
        assertThat(closed.filterFor(2)).isEmpty();
    }
}
