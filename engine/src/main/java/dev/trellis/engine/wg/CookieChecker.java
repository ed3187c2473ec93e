package dev.trellis.engine.wg;

import dev.trellis.protocol.crypto.Blake2s;
import dev.trellis.engine.crypto.XChaChaPoly;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The responder's side of WireGuard's DoS defence (whitepaper §5.4.4, §5.4.7): checks MAC1 on
 * every handshake message and, under load, MAC2, answering a message without a valid MAC2 with
 * an encrypted cookie bound to the sender's address. The secret changes every two minutes.
 */
final class CookieChecker {
    private final SecureRandom random = new SecureRandom();
    private byte[] mac1Key;
    private byte[] cookieKey;
    private final byte[] secret = new byte[32];
    private long secretSetNanos;
    private boolean secretSet;

    synchronized void init(Noise.Identity self) {
        mac1Key = self == null ? null : self.mac1Key();
        cookieKey = self == null ? null : self.cookieKey();
    }

    /** MAC1 over everything before it; false when we have no key or it does not match. */
    synchronized boolean checkMac1(byte[] msg) {
        if (mac1Key == null) {
            return false;
        }
        return macMatches(mac1Key, msg, msg.length - 32);
    }

    synchronized boolean checkMac2(byte[] msg, InetSocketAddress source, long nowNanos) {
        return secretFresh(nowNanos) && macMatches(cookieFor(source), msg, msg.length - 16);
    }

    /** Whether the 16-byte MAC at {@code macOff} is the keyed BLAKE2s of everything before it. */
    private static boolean macMatches(byte[] key, byte[] msg, int macOff) {
        byte[] expected = Blake2s.mac(key, 16, Arrays.copyOf(msg, macOff));
        return MessageDigest.isEqual(expected, Arrays.copyOfRange(msg, macOff, macOff + 16));
    }

    private boolean secretFresh(long nowNanos) {
        return secretSet && nowNanos - secretSetNanos <= WgConstants.COOKIE_REFRESH_TIME.toNanos();
    }

    /** A cookie reply (64 bytes) to {@code msg}, whose sender index is {@code receiver}. */
    synchronized byte[] createReply(byte[] msg, int receiver, InetSocketAddress source, long nowNanos) {
        if (!secretFresh(nowNanos)) {
            random.nextBytes(secret);
            secretSetNanos = nowNanos;
            secretSet = true;
        }
        byte[] cookie = cookieFor(source);
        byte[] nonce = new byte[24];
        random.nextBytes(nonce);
        int macOff = msg.length - 32;
        byte[] mac1 = Arrays.copyOfRange(msg, macOff, macOff + 16);
        byte[] sealed = XChaChaPoly.seal(cookieKey, nonce, cookie, mac1);
        byte[] reply = new byte[Messages.COOKIE_REPLY_SIZE];
        reply[0] = Messages.TYPE_COOKIE_REPLY;
        Messages.putIntLE(reply, Messages.COOKIE_RECEIVER, receiver);
        System.arraycopy(nonce, 0, reply, Messages.COOKIE_NONCE, 24);
        System.arraycopy(sealed, 0, reply, Messages.COOKIE_ENCRYPTED, 32);
        return reply;
    }

    private byte[] cookieFor(InetSocketAddress source) {
        byte[] ip = source.getAddress().getAddress();
        byte[] addr = Arrays.copyOf(ip, ip.length + 2);
        addr[ip.length] = (byte) (source.getPort() >>> 8);
        addr[ip.length + 1] = (byte) source.getPort();
        return Blake2s.mac(secret, 16, addr);
    }
}
