/**
 * The encrypted, mutually authenticated control channel between a node and the coordinator:
 * Noise IK over any byte stream. Only the coordinator and the engine's control client may depend
 * on it; everything else talks to them.
 *
 * <h2>Handshake</h2>
 *
 * {@code Noise_IK_25519_ChaChaPoly_BLAKE2s} as the Noise specification (revision 34) defines it:
 * HASH is BLAKE2s-256, HMAC is RFC 2104 over it (64-byte block), HKDF is the spec's, and the
 * ChaChaPoly nonce is 4 zero bytes then the 64-bit counter little-endian. The protocol name is 33
 * bytes, longer than HASHLEN, so h starts as its hash. The node is the initiator and knows the
 * coordinator's static key in advance ({@code <- s}); the coordinator learns the node's machine
 * key from the first message. Both handshake payloads are empty.
 *
 * <p>The prologue binds the version in the initiation's clear header into the handshake: the 26
 * ASCII bytes {@code "Trellis Control Protocol v"} followed by the version as 2 bytes big-endian.
 * For version 1 the 28 bytes are
 * {@code 54 72 65 6c 6c 69 73 20 43 6f 6e 74 72 6f 6c 20 50 72 6f 74 6f 63 6f 6c 20 76 00 01}.
 *
 * <h2>Wire format</h2>
 *
 * All integers are big-endian and unsigned. Every message after the initiation starts with a
 * 1-byte type and a 2-byte length of what follows.
 *
 * <pre>
 * Initiation, client to server, 101 bytes (over HTTP: base64 in the upgrade request's header)
 *   [2 version][1 type = 1][2 length = 96][32 e][48 encrypted s][16 encrypted empty payload]
 * Response, server to client, 51 bytes (over HTTP: the first bytes after 101 Switching Protocols)
 *   [1 type = 2][2 length = 48][32 e][16 encrypted empty payload]
 * Error, server to client instead of a response, in clear and unauthenticated
 *   [1 type = 3][2 length &lt;= 1024][UTF-8 text]
 * Transport record, both ways after the handshake
 *   [1 type = 4][2 length, 16..4096][ciphertext including its 16-byte tag]
 * </pre>
 *
 * Transport records use the keys of the handshake's Split (the first for client to server) with
 * nonces counting from 0 separately in each direction; records carry no nonce, so a replayed,
 * lost or reordered record fails authentication. Associated data is empty.
 *
 * <p>The decrypted records of one direction form a byte stream of application messages, each a
 * 4-byte length followed by that many bytes. A message may span many records and a writer fills
 * every record but a message's last. A length above the receiver's limit (32 MiB by default)
 * ends the connection before anything is allocated for it.
 *
 * <p>This is the shape of Tailscale's control protocol ({@code control/controlbase}) but not
 * compatible with it: the prologue, the record size, the nonce's byte order and the message
 * framing differ.
 */
package dev.trellis.protocol.noise;
