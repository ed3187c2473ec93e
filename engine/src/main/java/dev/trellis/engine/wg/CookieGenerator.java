package dev.trellis.engine.wg;

import dev.trellis.protocol.crypto.Blake2s;
import dev.trellis.engine.crypto.XChaChaPoly;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * The initiator's side of the cookie mechanism for one peer: adds MAC1 (and MAC2 while it holds
 * a fresh cookie) to outgoing handshake messages and takes cookies from cookie replies.
 */
final class CookieGenerator {
    private final byte[] mac1Key;
    private final byte[] cookieKey;
    private byte[] lastMac1;
    private byte[] cookie;
    private long cookieSetNanos;

    CookieGenerator(byte[] peerPublicKey) {
        this.mac1Key = Blake2s.hash(Noise.LABEL_MAC1, peerPublicKey);
        this.cookieKey = Blake2s.hash(Noise.LABEL_COOKIE, peerPublicKey);
    }

    /** Writes MAC1 and MAC2 into the last 32 bytes of {@code msg}. */
    synchronized void addMacs(byte[] msg, long nowNanos) {
        int mac1Off = msg.length - 32;
        byte[] mac1 = Blake2s.mac(mac1Key, 16, Arrays.copyOf(msg, mac1Off));
        System.arraycopy(mac1, 0, msg, mac1Off, 16);
        lastMac1 = mac1;
        int mac2Off = msg.length - 16;
        if (cookie != null && nowNanos - cookieSetNanos <= WgConstants.COOKIE_REFRESH_TIME.toNanos()) {
            byte[] mac2 = Blake2s.mac(cookie, 16, Arrays.copyOf(msg, mac2Off));
            System.arraycopy(mac2, 0, msg, mac2Off, 16);
        } else {
            Arrays.fill(msg, mac2Off, msg.length, (byte) 0);
        }
    }

    /** Takes the cookie from a reply to our last message; false if it does not decrypt. */
    synchronized boolean consumeReply(byte[] reply, long nowNanos) {
        if (lastMac1 == null) {
            return false;
        }
        byte[] nonce = Arrays.copyOfRange(reply, Messages.COOKIE_NONCE, Messages.COOKIE_NONCE + 24);
        byte[] sealed = Arrays.copyOfRange(reply, Messages.COOKIE_ENCRYPTED, Messages.COOKIE_ENCRYPTED + 32);
        try {
            cookie = XChaChaPoly.open(cookieKey, nonce, sealed, lastMac1);
            cookieSetNanos = nowNanos;
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
