package dev.trellis.protocol.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trellis.protocol.key.NodePrivateKey;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RelayProofTest {
    private final NodePrivateKey server = NodePrivateKey.generate();
    private final NodePrivateKey node = NodePrivateKey.generate();
    private final byte[] challenge = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    @Test
    void theRelayOpensTheNodesProofAndLearnsItsVersion() throws Exception {
        byte[] proof = RelayProof.seal(node, server.publicKey(), challenge, 7);
        assertThat(RelayProof.open(server, node.publicKey(), challenge, proof)).isEqualTo(7);
    }

    @Test
    void aProofForAnotherChallengeKeyOrRelayFails() throws Exception {
        byte[] proof = RelayProof.seal(node, server.publicKey(), challenge, 1);
        byte[] other = challenge.clone();
        other[0] ^= 1;
        assertThatThrownBy(() -> RelayProof.open(server, node.publicKey(), other, proof))
                .isInstanceOf(RelayProtocolException.class).hasMessageContaining("does not verify");
        NodePrivateKey impostor = NodePrivateKey.generate();
        assertThatThrownBy(() -> RelayProof.open(server, impostor.publicKey(), challenge, proof))
                .isInstanceOf(RelayProtocolException.class);
        NodePrivateKey otherRelay = NodePrivateKey.generate();
        byte[] forOther = RelayProof.seal(node, otherRelay.publicKey(), challenge, 1);
        assertThatThrownBy(() -> RelayProof.open(server, node.publicKey(), challenge, forOther))
                .isInstanceOf(RelayProtocolException.class);
        assertThatThrownBy(() -> RelayProof.open(server, node.publicKey(), challenge, new byte[3]))
                .isInstanceOf(RelayProtocolException.class);
    }

    @Test
    void differentChallengesUseDifferentNonces() throws Exception {
        byte[] other = challenge.clone();
        other[31] ^= 1;
        byte[] p1 = RelayProof.seal(node, server.publicKey(), challenge, 1);
        byte[] p2 = RelayProof.seal(node, server.publicKey(), other, 1);
        // same key and nonce would XOR to the plaintexts' XOR (one byte); different nonces do not
        int same = 0;
        for (int i = 0; i < 32; i++) {
            if ((p1[i] ^ p2[i]) == (challenge[i] ^ other[i])) {
                same++;
            }
        }
        assertThat(same).isLessThan(8);
    }

    @Test
    void meshProofNeedsTheSameSecret() {
        byte[] secret = "region secret of enough length".getBytes(StandardCharsets.UTF_8);
        byte[] proof = RelayProof.meshProof(secret, challenge, server.publicKey(), node.publicKey());
        assertThat(RelayProof.meshProofValid(secret, challenge, server.publicKey(), node.publicKey(), proof)).isTrue();
        assertThat(RelayProof.meshProofValid("another secret, long enough".getBytes(StandardCharsets.UTF_8), challenge,
                server.publicKey(), node.publicKey(), proof)).isFalse();
        assertThat(RelayProof.meshProofValid(secret, challenge, node.publicKey(), server.publicKey(), proof)).isFalse();
        assertThat(RelayProof.meshProofValid(secret, challenge, server.publicKey(), node.publicKey(), new byte[5])).isFalse();
    }
}
