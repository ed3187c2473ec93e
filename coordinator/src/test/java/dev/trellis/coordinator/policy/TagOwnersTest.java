package dev.trellis.coordinator.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TagOwnersTest {
    private static final String POLICY = """
            {
              "groups": {"group:ops": ["carol@example.com", "dave@"]},
              "tagOwners": {
                "tag:db": ["alice"],
                "tag:web": ["group:ops"],
                "tag:dev": ["autogroup:member"],
                "tag:prod": ["autogroup:admin"],
              },
              "acls": [],
            }
            """;

    @Test
    void ownersAreUsersGroupMembersOrEveryMember() throws Exception {
        Policy p = Policy.parse(POLICY);
        assertThat(p.mayOwnTag("alice", "tag:db")).isTrue();
        assertThat(p.mayOwnTag("carol@example.com", "tag:db")).isFalse();
        assertThat(p.mayOwnTag("carol@example.com", "tag:web")).isTrue();
        assertThat(p.mayOwnTag("dave", "tag:web")).as("dave@ in a group means the local user dave").isTrue();
        assertThat(p.mayOwnTag("alice", "tag:web")).isFalse();
        assertThat(p.mayOwnTag("anyone", "tag:dev")).isTrue();
        assertThat(p.mayOwnTag("alice", "tag:prod")).as("no admin roles in Trellis").isFalse();
        assertThat(p.mayOwnTag("alice", "tag:undefined")).isFalse();
        assertThat(p.mayOwnTag(null, "tag:db")).isFalse();
    }
}
