package dev.trellis.protocol.relay;

import dev.trellis.protocol.crypto.Blake2s;
import dev.trellis.protocol.crypto.ChaChaPoly;
import dev.trellis.protocol.key.NodePrivateKey;
import dev.trellis.protocol.key.NodePublicKey;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;

/**
 * Proofs a relay client gives in its ClientHello.
 *
 * <p><b>Key possession.</b> {@code k = BLAKE2s-256(X25519(nodePrivate, serverPublic) || "trellis
 * relay v1" || serverPublic || nodePublic)}; the proof is ChaCha20-Poly1305 under {@code k} of
 * {@code challenge || version (u16 BE)} with the challenge as associated data. {@code k} is the same
 * for every connection of a node to a relay, so the nonce must never repeat for different
 * plaintexts: it is the first 12 bytes of {@code BLAKE2s-256("trellis relay nonce" || challenge)}.
 * The same nonce thus means the same challenge and the same plaintext, and a relay (or a man in
 * the middle) choosing challenges learns nothing that would forge another. The relay checks it
 * with {@code X25519(serverPrivate, nodePublic)}; a proof made for another relay's key fails.
 *
 * <p><b>Mesh.</b> Relays of a region share a secret; a relay connecting to another adds
 * {@code BLAKE2s-MAC-256(key = BLAKE2s-256("trellis relay mesh v1" || secret), challenge ||
 * serverPublic || clientPublic)}.
 */
public final class RelayProof {
    private static final byte[] LABEL = "trellis relay v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NONCE_LABEL = "trellis relay nonce".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MESH_LABEL = "trellis relay mesh v1".getBytes(StandardCharsets.US_ASCII);

    private RelayProof() {}

    /** The client's proof for {@code challenge} from the relay holding {@code serverKey}. */
    public static byte[] seal(NodePrivateKey node, NodePublicKey serverKey, byte[] challenge, int version)
            throws InvalidKeyException {
        byte[] k = key(node, serverKey, serverKey, node.publicKey());
        try {
            return ChaChaPoly.sealWithNonce(k, nonce(challenge), plaintext(challenge, version), challenge);
        } finally {
            Arrays.fill(k, (byte) 0);
        }
    }

    /**
     * Checks a proof on the relay and returns the client's protocol version.
     *
     * @throws RelayProtocolException if the proof does not verify for this node key and challenge
     */
    public static int open(NodePrivateKey server, NodePublicKey nodeKey, byte[] challenge, byte[] proof)
            throws RelayProtocolException {
        byte[] k;
        try {
            k = key(server, nodeKey, server.publicKey(), nodeKey);
        } catch (InvalidKeyException e) {
            throw new RelayProtocolException("client key is not usable (low-order point)");
        }
        try {
            byte[] plain = ChaChaPoly.openWithNonce(k, nonce(challenge), proof, challenge);
            if (plain.length != challenge.length + 2
                    || !MessageDigest.isEqual(Arrays.copyOf(plain, challenge.length), challenge)) {
                throw new RelayProtocolException("proof of key possession is for another challenge");
            }
            return ((plain[challenge.length] & 0xFF) << 8) | (plain[challenge.length + 1] & 0xFF);
        } catch (AEADBadTagException e) {
            throw new RelayProtocolException("proof of key possession does not verify");
        } finally {
            Arrays.fill(k, (byte) 0);
        }
    }

    /** The mesh proof a relay holding {@code clientKey} gives to the relay holding {@code serverKey}. */
    public static byte[] meshProof(byte[] meshSecret, byte[] challenge, NodePublicKey serverKey, NodePublicKey clientKey) {
        byte[] k = Blake2s.hash(MESH_LABEL, meshSecret);
        try {
            return Blake2s.mac(k, 32, challenge, serverKey.toBytes(), clientKey.toBytes());
        } finally {
            Arrays.fill(k, (byte) 0);
        }
    }

    /** Constant-time check of a mesh proof. */
    public static boolean meshProofValid(byte[] meshSecret, byte[] challenge, NodePublicKey serverKey,
            NodePublicKey clientKey, byte[] proof) {
        return proof.length == 32 && MessageDigest.isEqual(meshProof(meshSecret, challenge, serverKey, clientKey), proof);
    }

    private static byte[] key(NodePrivateKey mine, NodePublicKey theirs, NodePublicKey serverKey, NodePublicKey nodeKey)
            throws InvalidKeyException {
        byte[] priv = mine.toBytes();
        byte[] dh = dev.trellis.protocol.crypto.X25519.dh(priv, theirs.toBytes());
        Arrays.fill(priv, (byte) 0);
        try {
            return Blake2s.hash(dh, LABEL, serverKey.toBytes(), nodeKey.toBytes());
        } finally {
            Arrays.fill(dh, (byte) 0);
        }
    }

    private static byte[] nonce(byte[] challenge) {
        return Arrays.copyOf(Blake2s.hash(NONCE_LABEL, challenge), ChaChaPoly.NONCE_LENGTH);
    }

    private static byte[] plaintext(byte[] challenge, int version) {
        return ByteBuffer.allocate(challenge.length + 2).put(challenge).putShort((short) version).array();
    }
}
